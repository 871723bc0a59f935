// Jenkins X PipelineActivity extraction: stages with steps from real
// activities, and top-level Step / Promote / Preview entries as stages.
#include <gtest/gtest.h>

#include "fixture_objects.h"
#include "model/time.h"

namespace pipetrace {
namespace {

using testing::extract_fixture;

TimeNs at(const char* text) { return parse_time(text).value(); }

TEST(PipelineActivityExtractor, FailedActivityStageWithSteps) {
  auto activity = extract_fixture<PipelineActivityRecord>("jx/pipelines/cases/merge/expected.yaml", "PipelineActivity");
  EXPECT_EQ(activity.meta.api_version, "jenkins.io/v1");
  EXPECT_EQ(activity.meta.created, 0);  // creationTimestamp: null
  EXPECT_EQ(activity.pipeline, "jstrachan/nodey510/master");
  EXPECT_EQ(activity.build, "1601019026059");
  EXPECT_EQ(activity.status, "Failed");
  EXPECT_EQ(activity.context, "release");
  EXPECT_EQ(activity.git_url, "https://github.com/jstrachan/nodey510.git");
  EXPECT_EQ(activity.git_owner, "jstrachan");
  EXPECT_EQ(activity.git_repository, "nodey510");
  EXPECT_EQ(activity.git_branch, "master");
  EXPECT_EQ(activity.last_commit_sha, "05bb4876fc299ac47c84d675d975bdcfb14ad39e");
  EXPECT_EQ(activity.message, "Tasks Completed: 1 (Failed: 1, Cancelled 0), Skipped: 0");
  ASSERT_EQ(activity.stages.size(), 1u);
  const StageRecord& stage = activity.stages[0];
  EXPECT_EQ(stage.name, "from build pack");
  EXPECT_EQ(stage.status, "Failed");
  ASSERT_EQ(stage.steps.size(), 14u);
  EXPECT_EQ(stage.steps[0].name, "Git Clone");
  EXPECT_EQ(stage.steps[0].status, "Succeeded");
  EXPECT_EQ(stage.steps[13].name, "Promote Jx Promote");
  EXPECT_EQ(stage.steps[13].status, "Failed");
  ASSERT_NE(find_value(activity.meta.labels, "lighthouse.jenkins-x.io/id"), nullptr);
}

TEST(PipelineActivityExtractor, StartedAfterCompletedIsKeptAsWritten) {
  auto activity = extract_fixture<PipelineActivityRecord>(
      "jx/jx-controller-completed-generated.activity-expected.yaml", "PipelineActivity");
  EXPECT_EQ(activity.status, "Succeeded");
  EXPECT_EQ(activity.start, at("2019-09-10T17:43:41Z"));
  EXPECT_EQ(activity.completion, at("2019-09-10T17:11:30Z"));
  ASSERT_EQ(activity.stages.size(), 2u);
  EXPECT_EQ(activity.stages[0].name, "meta pipeline");
  EXPECT_EQ(activity.stages[0].steps.size(), 8u);
  EXPECT_EQ(activity.stages[0].start, at("2019-09-10T17:07:13Z"));
  EXPECT_EQ(activity.stages[0].end, at("2019-09-10T17:08:20Z"));
  EXPECT_EQ(activity.stages[1].steps.size(), 13u);
  const StepRecord& git_source = activity.stages[0].steps[3];
  EXPECT_EQ(git_source.message, "https://github.com/cb-kubecd/bdd-spring-1568135191.git");  // its description
}

TEST(PipelineActivityExtractor, TopLevelStepPromoteAndPreviewBecomeStages) {
  const char* json = R"({"apiVersion":"jenkins.io/v1","kind":"PipelineActivity",
    "metadata":{"name":"o-r-main-3","namespace":"jx"},
    "spec":{"pipeline":"o/r/main","build":"3","status":"Succeeded","steps":[
      {"kind":"Stage","stage":{"name":"build","status":"Succeeded","steps":[{"name":"compile","status":"Succeeded"}]}},
      {"kind":"Step","step":{"name":"tag","status":"Succeeded","startedTimestamp":"2021-01-01T00:00:00Z"}},
      {"kind":"Promote","promote":{"status":"Succeeded","environment":"staging",
         "startedTimestamp":"2021-01-01T00:01:00Z","completedTimestamp":"2021-01-01T00:05:00Z",
         "pullRequest":{"status":"Succeeded","startedTimestamp":"2021-01-01T00:01:00Z"},
         "update":{"name":"Update","status":"Running"}}},
      {"kind":"Preview","preview":{"status":"Pending"}},
      {"kind":"Stage"}
    ]}})";
  ExtractResult result = extract_object_json(json);
  ASSERT_EQ(result.status, ExtractStatus::Ok) << result.message;
  const auto& activity = std::get<PipelineActivityRecord>(*result.record);
  ASSERT_EQ(activity.stages.size(), 4u);  // the entry with no body is dropped
  EXPECT_EQ(activity.stages[0].steps.size(), 1u);
  EXPECT_EQ(activity.stages[1].name, "tag");
  EXPECT_EQ(activity.stages[1].start, at("2021-01-01T00:00:00Z"));
  EXPECT_TRUE(activity.stages[1].steps.empty());
  const StageRecord& promote = activity.stages[2];
  EXPECT_EQ(promote.name, "promote staging");
  EXPECT_EQ(promote.end, at("2021-01-01T00:05:00Z"));
  ASSERT_EQ(promote.steps.size(), 2u);
  EXPECT_EQ(promote.steps[0].name, "pull request");
  EXPECT_EQ(promote.steps[1].name, "Update");
  EXPECT_EQ(promote.steps[1].status, "Running");
  EXPECT_EQ(activity.stages[3].name, "preview");
  EXPECT_EQ(activity.stages[3].status, "Pending");
}

}  // namespace
}  // namespace pipetrace
