// TaskRun and PipelineRun extraction on real Tekton objects of every API
// version, including the mixed v1/v1beta1 shapes the fixtures README lists.
#include <gtest/gtest.h>

#include "fixture_objects.h"
#include "model/time.h"

namespace pipetrace {
namespace {

using testing::extract_fixture;

TimeNs at(const char* text) { return parse_time(text).value(); }

TEST(TaskRunExtractor, RunningTaskRunHasTerminatedAndRunningSteps) {
  auto run = extract_fixture<TaskRunRecord>("jx/pipelines/cases/create/taskrun.yaml", "TaskRun");
  EXPECT_EQ(run.meta.api_version, "tekton.dev/v1");
  EXPECT_EQ(run.meta.kind, "TaskRun");
  EXPECT_EQ(run.meta.name, "main-rvs7k-from-build-pack-6n942");
  EXPECT_EQ(run.meta.ns, "");  // TaskRuns often carry no namespace
  EXPECT_EQ(run.pod_name, "main-rvs7k-from-build-pack-6n942-pod-j8l2d");
  EXPECT_EQ(run.start, at("2020-09-20T11:57:58Z"));
  EXPECT_EQ(format_time(run.start).substr(0, 10), "2020-09-20");
  EXPECT_EQ(run.completion, 0);
  ASSERT_TRUE(run.succeeded.has_value());
  EXPECT_EQ(run.succeeded->status, "Unknown");
  EXPECT_EQ(run.succeeded->reason, "Running");

  ASSERT_EQ(run.steps.size(), 13u);
  int terminated = 0, running = 0;
  for (const StepRecord& step : run.steps) {
    if (step.state == "terminated") ++terminated;
    if (step.state == "running") ++running;
    EXPECT_EQ("step-" + step.name, step.container);
  }
  EXPECT_EQ(terminated, 7);
  EXPECT_EQ(running, 6);

  const StepRecord& first = run.steps.front();
  EXPECT_EQ(first.name, "git-clone");
  EXPECT_EQ(first.exit_code, 0);
  EXPECT_EQ(first.reason, "Completed");
  EXPECT_EQ(first.start, at("2020-09-20T11:58:08Z"));
  EXPECT_EQ(first.end, at("2020-09-20T11:58:08Z"));
  EXPECT_TRUE(first.image.starts_with("docker-pullable://gcr.io/jenkinsxio/builder-jx@sha256:ae504f"));

  const StepRecord& last = run.steps.back();
  EXPECT_EQ(last.name, "promote-jx-promote");
  EXPECT_EQ(last.state, "running");
  EXPECT_EQ(last.start, at("2020-09-20T11:58:06Z"));
  EXPECT_EQ(last.end, 0);
  EXPECT_FALSE(last.exit_code.has_value());
}

TEST(TaskRunExtractor, TimedOutStepWithNullStartKeepsItsEndAndExitCode) {
  auto run = extract_fixture<TaskRunRecord>("jx/pipelines/cases/timeout-with-steps/tr.yaml", "TaskRun");
  ASSERT_TRUE(run.succeeded.has_value());
  EXPECT_EQ(run.succeeded->status, "False");
  EXPECT_EQ(run.succeeded->reason, "TaskRunTimeout");
  EXPECT_EQ(run.pod_name, "-jenkins-x-repo-pr-500-pr-l4mcv-jenkins-x-repo-pr-rh68c-krnpp");
  ASSERT_EQ(run.steps.size(), 10u);
  const StepRecord& lint = run.steps[3];
  EXPECT_EQ(lint.name, "terraform-module-lint");
  EXPECT_EQ(lint.state, "terminated");
  EXPECT_EQ(lint.start, 0);  // startedAt: null
  EXPECT_EQ(lint.end, at("2022-03-29T14:13:32Z"));
  EXPECT_EQ(lint.exit_code, 1);
  EXPECT_EQ(lint.reason, "TaskRunTimeout");
  EXPECT_EQ(lint.image, "");  // this step has no imageID
}

TEST(TaskRunExtractor, CancelledBeforeThePodRanHasNoSteps) {
  auto run = extract_fixture<TaskRunRecord>("jx/pipelines/cases/cancel-with-no-steps/tr.yaml", "TaskRun");
  EXPECT_TRUE(run.steps.empty());
  ASSERT_TRUE(run.succeeded.has_value());
  EXPECT_EQ(run.succeeded->status, "False");
}

TEST(TaskRunExtractor, ChainsTaskRunWithoutKindIsRecognisedByShape) {
  auto run = extract_fixture<TaskRunRecord>("tekton/chains-v1-build.taskrun.json", "TaskRun");
  EXPECT_EQ(run.meta.kind, "TaskRun");
  EXPECT_EQ(run.meta.api_version, "");
  EXPECT_EQ(run.meta.name, "taskrun-build");
  EXPECT_EQ(run.task, "build");
  EXPECT_EQ(run.pipeline_task, "build");
  EXPECT_EQ(run.pod_name, "test-pod-name");
  ASSERT_EQ(run.steps.size(), 3u);
  EXPECT_EQ(run.steps[0].name, "step1");
  EXPECT_EQ(run.steps[0].state, "");  // a step with no state at all
}

TEST(TaskRunExtractor, V1beta1TaskRunsFromABareArray) {
  auto objects = testing::fixture_objects("tekton/dashboard-v1beta1-failed.taskruns.json");
  ASSERT_EQ(objects.size(), 3u);
  for (const auto& object : objects) {
    ExtractResult result = extract_object_json(object.json);
    ASSERT_EQ(result.status, ExtractStatus::Ok) << result.message;
    const auto& run = std::get<TaskRunRecord>(*result.record);
    EXPECT_EQ(run.meta.api_version, "tekton.dev/v1beta1");
    EXPECT_FALSE(run.meta.name.empty());
    ASSERT_TRUE(run.succeeded.has_value());
  }
}

TEST(PipelineRunExtractor, FinishedRunWithoutStartTimeAndFailedCondition) {
  auto run = extract_fixture<PipelineRunRecord>("jx/pipelines/cases/merge/pipelinerun.yaml", "PipelineRun");
  EXPECT_EQ(run.meta.name, "release-b4849");
  EXPECT_EQ(run.meta.ns, "jx");
  EXPECT_EQ(run.meta.uid, "b2d123e6-d8ae-4a56-af81-fbc1e9e78521");
  EXPECT_EQ(run.meta.created, at("2020-09-25T07:30:26Z"));
  EXPECT_EQ(run.start, 0);
  EXPECT_EQ(run.completion, at("2020-09-25T08:32:23Z"));
  ASSERT_TRUE(run.succeeded.has_value());
  EXPECT_EQ(run.succeeded->type, "Succeeded");
  EXPECT_EQ(run.succeeded->status, "False");
  EXPECT_EQ(run.succeeded->reason, "Failed");
  EXPECT_EQ(run.succeeded->message, "Tasks Completed: 1 (Failed: 1, Cancelled 0), Skipped: 0");
  EXPECT_EQ(run.pipeline, "release-b4849");  // from the tekton.dev/pipeline label: the spec is embedded
  ASSERT_EQ(run.children.size(), 1u);
  EXPECT_EQ(run.children[0].kind, "TaskRun");
  EXPECT_EQ(run.children[0].name, "release-b4849-from-build-pack-fxf4x");
  EXPECT_EQ(run.children[0].pipeline_task, "from-build-pack");

  // The links the linker needs: labels, the owning LighthouseJob, the trace context.
  ASSERT_NE(find_value(run.meta.labels, "event-GUID"), nullptr);
  EXPECT_EQ(*find_value(run.meta.labels, "event-GUID"), "fa415776-ff00-11ea-86f1-f1ab7dba0de0");
  ASSERT_EQ(run.meta.owners.size(), 1u);
  EXPECT_EQ(run.meta.owners[0].kind, "LighthouseJob");
  EXPECT_TRUE(run.meta.owners[0].controller);
  ASSERT_NE(find_value(run.meta.annotations, "lighthouse.jenkins-x.io/traceparent"), nullptr);
  EXPECT_EQ(*find_value(run.meta.annotations, "lighthouse.jenkins-x.io/traceparent"),
            "00-13e033bb183e42a6bf4c2d497b551502-e6e696ac5966ef63-01");
  ASSERT_NE(find_value(run.meta.annotations, "lighthouse.jenkins-x.io/tracestate"), nullptr);
  EXPECT_EQ(*find_value(run.meta.annotations, "lighthouse.jenkins-x.io/tracestate"), "");
}

TEST(PipelineRunExtractor, V1beta1TaskRunsMapGivesChildrenWithPipelineTaskNames) {
  auto run = extract_fixture<PipelineRunRecord>("tekton/jxp-v1beta1-create.pipelinerun.yaml", "PipelineRun");
  EXPECT_EQ(run.meta.api_version, "tekton.dev/v1beta1");
  EXPECT_EQ(run.meta.name, "main-rvs7k");
  ASSERT_EQ(run.children.size(), 1u);
  EXPECT_EQ(run.children[0].kind, "TaskRun");
  EXPECT_EQ(run.children[0].name, "main-rvs7k-from-build-pack-6n942");
  EXPECT_EQ(run.children[0].pipeline_task, "from-build-pack");
}

TEST(PipelineRunExtractor, V1SpecWithTaskRunsMapAndNoKind) {
  auto run = extract_fixture<PipelineRunRecord>("tekton/chains-v1-taskrunsmap.pipelinerun.json", "PipelineRun");
  EXPECT_EQ(run.meta.kind, "PipelineRun");
  EXPECT_EQ(run.pipeline, "test-pipeline");
  EXPECT_EQ(run.start, at("2021-03-29T09:50:00Z"));
  EXPECT_EQ(run.completion, at("2021-03-29T09:50:15Z"));
  ASSERT_EQ(run.children.size(), 2u);
  EXPECT_EQ(run.children[0].name, "git-clone");
  EXPECT_EQ(run.children[0].pipeline_task, "git-clone");
  EXPECT_EQ(run.children[1].name, "taskrun-build");
  EXPECT_EQ(run.children[1].pipeline_task, "build");
}

TEST(PipelineRunExtractor, ChildReferencesAndTaskRunsMapTogetherAreMerged) {
  const char* json = R"({"apiVersion":"tekton.dev/v1","kind":"PipelineRun","metadata":{"name":"p"},
    "status":{"childReferences":[{"kind":"TaskRun","name":"p-a","pipelineTaskName":"a"},
                                 {"kind":"CustomRun","name":"p-c","pipelineTaskName":"c"}],
              "taskRuns":{"p-a":{"pipelineTaskName":"a","status":{"podName":"x"}},
                          "p-b":{"pipelineTaskName":"b"}},
              "runs":{"p-r":{"pipelineTaskName":"r"}}}})";
  ExtractResult result = extract_object_json(json);
  ASSERT_EQ(result.status, ExtractStatus::Ok) << result.message;
  const auto& run = std::get<PipelineRunRecord>(*result.record);
  ASSERT_EQ(run.children.size(), 4u);
  EXPECT_EQ(run.children[0].name, "p-a");
  EXPECT_EQ(run.children[1].kind, "CustomRun");
  EXPECT_EQ(run.children[2].name, "p-b");
  EXPECT_EQ(run.children[2].pipeline_task, "b");
  EXPECT_EQ(run.children[3].kind, "Run");
}

TEST(PipelineRunExtractor, V1alpha1RunWithNeitherChildListTrustsItsPipelineRef) {
  auto run = extract_fixture<PipelineRunRecord>("tekton/dashboard-v1alpha1-failed.pipelinerun.json", "PipelineRun");
  EXPECT_EQ(run.meta.api_version, "tekton.dev/v1alpha1");
  EXPECT_FALSE(run.pipeline.empty());
  EXPECT_TRUE(run.children.empty());
  ASSERT_TRUE(run.succeeded.has_value());
  EXPECT_EQ(run.succeeded->status, "False");
  EXPECT_NE(run.start, 0);
  EXPECT_NE(run.completion, 0);
}

TEST(PipelineRunExtractor, TimeoutAndCancelSpecStatus) {
  auto timed_out = extract_fixture<PipelineRunRecord>("jx/pipelines/cases/timeout-with-steps/pr.yaml", "PipelineRun");
  ASSERT_TRUE(timed_out.succeeded.has_value());
  EXPECT_EQ(timed_out.succeeded->reason, "PipelineRunTimeout");

  ExtractResult cancelled = extract_object_json(
      R"({"apiVersion":"tekton.dev/v1","kind":"PipelineRun","metadata":{"name":"c"},"spec":{"status":"Cancelled","pipelineRef":{"name":"build"}}})");
  ASSERT_EQ(cancelled.status, ExtractStatus::Ok);
  EXPECT_EQ(std::get<PipelineRunRecord>(*cancelled.record).spec_status, "Cancelled");
  EXPECT_EQ(std::get<PipelineRunRecord>(*cancelled.record).pipeline, "build");
}

TEST(PipelineRunExtractor, LighthouseExpectedRunWithoutKindAndEmptyStatus) {
  auto run = extract_fixture<PipelineRunRecord>("lighthouse/controller/start-push/expected-pr.yml", "PipelineRun");
  EXPECT_EQ(run.meta.name, "jenkins-x-lighthouse-main-github-mz4c7");
  EXPECT_FALSE(run.succeeded.has_value());
  EXPECT_TRUE(run.children.empty());
  ASSERT_NE(find_value(run.meta.labels, "lighthouse.jenkins-x.io/id"), nullptr);
}

TEST(PipelineRunExtractor, V1alpha1ItemsOfAPipelineRunListWithoutKind) {
  auto objects = testing::fixture_objects("jx/tektonlog/cases/active_single_run/pipelineruns.yml");
  ASSERT_FALSE(objects.empty());
  for (const auto& object : objects) {
    ExtractResult result = extract_object_json(object.json, object.kind_hint);
    ASSERT_EQ(result.status, ExtractStatus::Ok) << object.where << ": " << result.message;
    EXPECT_EQ(std::get<PipelineRunRecord>(*result.record).meta.kind, "PipelineRun");
  }
}

}  // namespace
}  // namespace pipetrace
