// LighthouseJob and Lighthouse ActivityRecord extraction on Lighthouse's own
// controller and foghorn fixtures.
#include <gtest/gtest.h>

#include "fixture_objects.h"
#include "model/time.h"

namespace pipetrace {
namespace {

using testing::extract_fixture;

TimeNs at(const char* text) { return parse_time(text).value(); }

TEST(LighthouseJobExtractor, PullRequestJobRefs) {
  auto job = extract_fixture<LighthouseJobRecord>("lighthouse/controller/start-pullrequest/observed-lhjob.yml",
                                                  "LighthouseJob");
  EXPECT_EQ(job.meta.api_version, "lighthouse.jenkins.io/v1alpha1");
  EXPECT_EQ(job.meta.name, "f46327af-b47e-11ea-b797-9256b7b8d9b0");
  EXPECT_EQ(job.meta.ns, "jx");
  EXPECT_EQ(job.job, "github");
  EXPECT_EQ(job.job_type, "presubmit");
  EXPECT_EQ(job.agent, "tekton-pipeline");
  EXPECT_EQ(job.context, "github");
  EXPECT_EQ(job.state, "triggered");
  EXPECT_EQ(job.refs.org, "jenkins-x");
  EXPECT_EQ(job.refs.repo, "lighthouse");
  EXPECT_EQ(job.refs.pull_number, "813");  // an integer in the object
  EXPECT_EQ(job.refs.pull_author, "abayer");
  EXPECT_EQ(job.refs.head_sha, "dd64c739442d505cf5381e2a14b60968e8a0d86e");
  EXPECT_EQ(job.refs.base_sha, "e8d56b5ee9671599c75644af574a251dd3b94a5c");
  EXPECT_EQ(job.refs.base_ref, "master");
  EXPECT_EQ(job.refs.repo_url, "https://github.com/jenkins-x/lighthouse");
  EXPECT_EQ(job.refs.clone_url, "https://github.com/jenkins-x/lighthouse.git");
  EXPECT_EQ(job.refs.pull_link, "https://github.com/jenkins-x/lighthouse/pull/813.diff");
  EXPECT_EQ(job.build_id, "7828158075477027098");  // from the buildNum label
  EXPECT_EQ(job.start, 0);
  EXPECT_TRUE(job.stages.empty());
}

TEST(LighthouseJobExtractor, PushJobHasNoPullAndHeadIsBase) {
  auto job = extract_fixture<LighthouseJobRecord>("lighthouse/controller/start-push/observed-lhjob.yml",
                                                  "LighthouseJob");
  EXPECT_EQ(job.job_type, "postsubmit");
  EXPECT_EQ(job.refs.pull_number, "");
  EXPECT_EQ(job.refs.head_sha, job.refs.base_sha);
  EXPECT_FALSE(job.refs.head_sha.empty());
}

TEST(LighthouseJobExtractor, FoghornActivityStagesWithNullStartTime) {
  auto job = extract_fixture<LighthouseJobRecord>("lighthouse/foghorn-status-change.observed-lhjob.yaml",
                                                  "LighthouseJob");
  EXPECT_EQ(job.state, "pending");
  EXPECT_EQ(job.start, 0);  // status.startTime: null
  EXPECT_EQ(job.activity_status, "running");
  ASSERT_EQ(job.stages.size(), 1u);
  const StageRecord& stage = job.stages[0];
  EXPECT_EQ(stage.name, "jenkins-x-jx-pr-7463-unit-wbf7v-18-ci");
  EXPECT_EQ(stage.status, "running");
  EXPECT_EQ(stage.start, at("2020-07-20T20:15:20Z"));
  ASSERT_EQ(stage.steps.size(), 6u);
  EXPECT_EQ(stage.steps[0].name, "setup-builder-home");
  EXPECT_EQ(stage.steps[0].status, "success");
  EXPECT_EQ(stage.steps[2].end, at("2020-07-20T20:15:51Z"));
  EXPECT_EQ(stage.steps[3].name, "build");
  EXPECT_EQ(stage.steps[3].status, "running");
  EXPECT_EQ(stage.steps[3].end, 0);
}

TEST(LighthouseJobExtractor, FoghornUpdateChangesState) {
  auto before = extract_fixture<LighthouseJobRecord>("lighthouse/foghorn-status-change.observed-lhjob.yaml",
                                                     "LighthouseJob");
  auto after = extract_fixture<LighthouseJobRecord>("lighthouse/foghorn-status-change.expected-lhjob.yaml",
                                                    "LighthouseJob");
  EXPECT_EQ(before.meta.name, after.meta.name);
  EXPECT_NE(before.state, after.state);
}

TEST(ActivityRecordExtractor, RecordWithTwoStagesAndTimedSteps) {
  auto record = extract_fixture<LighthouseActivityRecord>("lighthouse/activity/successful_multiple_tasks/record.yaml",
                                                          "ActivityRecord");
  EXPECT_EQ(record.name, "jenkins-x-jx-pr-7463-boot-vault-9mbgb-17");
  EXPECT_EQ(record.job_id, "f46327af-b47e-11ea-b797-9256b7b8d9b0");
  EXPECT_EQ(record.owner, "jenkins-x");
  EXPECT_EQ(record.repo, "jx");
  EXPECT_EQ(record.branch, "PR-7463");
  EXPECT_EQ(record.build_id, "17");
  EXPECT_EQ(record.context, "boot-vault");
  EXPECT_EQ(record.git_url, "https://github.com/jenkins-x/jx.git");
  EXPECT_EQ(record.base_sha, "c47ce72d4e2991a9440e6d954ecbf79d596f9352");
  EXPECT_EQ(record.last_commit_sha, "8a3c5f595cdc3162e46390c72a5d22fb9c89d1df");
  EXPECT_EQ(record.status, "success");
  EXPECT_EQ(record.start, at("2020-07-20T19:50:21Z"));
  EXPECT_EQ(record.completion, at("2020-07-20T20:50:27Z"));
  ASSERT_EQ(record.stages.size(), 2u);
  EXPECT_EQ(record.stages[0].name, "build");
  EXPECT_EQ(record.stages[0].steps.size(), 13u);
  EXPECT_EQ(record.stages[1].name, "e2e-tests");
  EXPECT_EQ(record.stages[1].start, at("2020-07-20T19:56:53Z"));
  EXPECT_EQ(record.stages[1].end, at("2020-07-20T20:50:27Z"));
  ASSERT_EQ(record.stages[1].steps.size(), 7u);
  const StepRecord& step = record.stages[1].steps[1];
  EXPECT_EQ(step.name, "boot-vault-e2e-tests");
  EXPECT_EQ(step.status, "success");
  EXPECT_EQ(step.start, at("2020-07-20T19:58:45Z"));
  EXPECT_EQ(step.end, at("2020-07-20T20:50:15Z"));
}

TEST(ActivityRecordExtractor, PendingRecordWithNullStartAndStageWithoutSteps) {
  auto record = extract_fixture<LighthouseActivityRecord>("lighthouse/activity/customrun_no_status/record.yaml",
                                                          "ActivityRecord");
  EXPECT_EQ(record.status, "pending");
  EXPECT_EQ(record.start, 0);
  ASSERT_EQ(record.stages.size(), 1u);
  EXPECT_EQ(record.stages[0].name, "trigger-cleanup");
  EXPECT_TRUE(record.stages[0].steps.empty());
}

TEST(ActivityRecordExtractor, RecognisedByShapeWithoutTheHint) {
  std::string json = testing::fixture_objects("lighthouse/activity/failed_single_task/record.yaml").at(0).json;
  ExtractResult result = extract_object_json(json);
  ASSERT_EQ(result.status, ExtractStatus::Ok) << result.message;
  const auto& record = std::get<LighthouseActivityRecord>(*result.record);
  EXPECT_EQ(record.status, "failure");
  EXPECT_FALSE(record.stages.empty());
}

TEST(ActivityRecordExtractor, HintNamesTheKindWhenTheShapeSaysNothing) {
  const char* json = R"({"name":"x","owner":"o"})";
  ExtractResult hinted = extract_object_json(json, "ActivityRecord");
  ASSERT_EQ(hinted.status, ExtractStatus::Ok) << hinted.message;
  EXPECT_EQ(std::get<LighthouseActivityRecord>(*hinted.record).owner, "o");
  EXPECT_EQ(extract_object_json(json).status, ExtractStatus::Error);
}

}  // namespace
}  // namespace pipetrace
