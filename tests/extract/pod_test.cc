// Pod extraction: phases, conditions, container and init-container steps
// merged with the spec's images, and Tekton task pods' step names.
#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "fixture_objects.h"
#include "sources/recording_reader.h"
#include "model/time.h"

namespace pipetrace {
namespace {

using testing::extract_fixture;

TimeNs at(const char* text) { return parse_time(text).value(); }

TEST(PodExtractor, FailedJobPodExitCodeAndConditions) {
  auto pod = extract_fixture<PodRecord>("pods/k8s-openapi-v1-35-failed-job.podlist.json", "Pod");
  EXPECT_EQ(pod.meta.kind, "Pod");  // from the PodList: items carry no kind
  EXPECT_EQ(pod.meta.name, "k8s-openapi-tests-create-job-m7bwz");
  EXPECT_EQ(pod.meta.ns, "default");
  EXPECT_EQ(pod.phase, "Failed");
  EXPECT_EQ(pod.node_name, "v1.35-control-plane");
  EXPECT_EQ(pod.start, at("2026-06-15T04:15:57Z"));
  ASSERT_EQ(pod.conditions.size(), 5u);
  EXPECT_EQ(pod.conditions[0].type, "PodReadyToStartContainers");
  EXPECT_EQ(pod.conditions[2].type, "Ready");
  EXPECT_EQ(pod.conditions[2].reason, "PodFailed");
  ASSERT_EQ(pod.containers.size(), 1u);
  const StepRecord& container = pod.containers[0];
  EXPECT_EQ(container.name, "k8s-openapi-tests-create-job");  // not a Tekton pod: name kept whole
  EXPECT_EQ(container.image, "alpine");                       // the spec's image, not the resolved one
  EXPECT_EQ(container.state, "terminated");
  EXPECT_EQ(container.exit_code, 5);
  EXPECT_EQ(container.reason, "Error");
  EXPECT_EQ(container.start, at("2026-06-15T04:15:59Z"));
  EXPECT_TRUE(pod.meta.owners.size() == 1 && pod.meta.owners[0].kind == "Job");
}

TEST(PodExtractor, CrashLoopBackOffWaitingWithRestarts) {
  auto pod = extract_fixture<PodRecord>("pods/troubleshoot-pod-crashloop-backoff.json", "Pod");
  EXPECT_EQ(pod.phase, "Running");
  ASSERT_EQ(pod.containers.size(), 1u);
  EXPECT_EQ(pod.containers[0].state, "waiting");
  EXPECT_EQ(pod.containers[0].reason, "CrashLoopBackOff");
  EXPECT_EQ(pod.containers[0].restart_count, 4);
  EXPECT_FALSE(pod.containers[0].exit_code.has_value());
  // kubectl's last-applied-configuration is not an annotation of interest.
  EXPECT_TRUE(pod.meta.annotations.empty());
}

TEST(PodExtractor, InitContainerFailingKeepsMainContainerWaiting) {
  auto pod = extract_fixture<PodRecord>("pods/troubleshoot-pod-init-crashloop-backoff.json", "Pod");
  EXPECT_EQ(pod.phase, "Pending");
  ASSERT_EQ(pod.init_containers.size(), 1u);
  EXPECT_EQ(pod.init_containers[0].name, "install");
  EXPECT_EQ(pod.init_containers[0].image, "busybox:1.28");
  EXPECT_EQ(pod.init_containers[0].reason, "RunContainerError");
  EXPECT_EQ(pod.init_containers[0].restart_count, 1);
  ASSERT_EQ(pod.containers.size(), 1u);
  EXPECT_EQ(pod.containers[0].reason, "PodInitializing");
}

TEST(PodExtractor, UnschedulablePodHasNoContainerStatusesButSpecContainers) {
  auto pod = extract_fixture<PodRecord>("pods/troubleshoot-pending-pod-resources.json", "Pod");
  EXPECT_EQ(pod.phase, "Pending");
  EXPECT_EQ(pod.start, 0);
  ASSERT_EQ(pod.conditions.size(), 1u);
  EXPECT_EQ(pod.conditions[0].type, "PodScheduled");
  EXPECT_EQ(pod.conditions[0].reason, "Unschedulable");
  ASSERT_EQ(pod.containers.size(), 1u);
  EXPECT_EQ(pod.containers[0].name, "nginx");
  EXPECT_EQ(pod.containers[0].state, "");
}

TEST(PodExtractor, UnquotedYamlTimestampIsParsed) {
  auto pod = extract_fixture<PodRecord>("pods/pod-pending.yaml", "Pod");
  EXPECT_EQ(pod.start, at("2018-12-02T10:16:04Z"));
  EXPECT_EQ(pod.containers.at(0).image, "does-not-exist");
}

TEST(PodExtractor, TektonTaskPodStepsWithExitCodes) {
  // Tekton before 0.5: containers are "build-step-<name>".
  auto pod = extract_fixture<PodRecord>("jx/tektonlog/cases/pod_with_failure/pods.yml", "Pod", 1);
  EXPECT_EQ(pod.meta.name, "fakeowner-fakerepo-fakebranch-1-from-fakebranch-rbw8t-pod-1682b0");
  EXPECT_EQ(pod.phase, "Failed");
  ASSERT_EQ(pod.init_containers.size(), 3u);
  EXPECT_EQ(pod.init_containers[2].name, "place-tools");
  EXPECT_EQ(pod.init_containers[2].container, "build-step-place-tools");
  ASSERT_GE(pod.containers.size(), 12u);
  const StepRecord& source = pod.containers[0];
  EXPECT_EQ(source.name, "git-source-fakeowner-fakerepo-fakebranch-72kkp");
  EXPECT_EQ(source.state, "terminated");
  EXPECT_EQ(source.exit_code, 1);
  EXPECT_EQ(source.image, "gcr.io/tekton-releases/github.com/tektoncd/pipeline/cmd/git-init:v0.4.0");
  const StepRecord& merge = pod.containers[1];
  EXPECT_EQ(merge.name, "git-merge");
  EXPECT_EQ(merge.exit_code, 0);
  EXPECT_NE(merge.end, 0);
  EXPECT_EQ(*find_value(pod.meta.labels, "tekton.dev/taskRun"),
            "fakeowner-fakerepo-fakebranch-1-from-fakebranch-rbw8t");
}

// A task pod carries its PipelineRun's Lighthouse labels too; none of them is
// read of a pod, so the record keeps Tekton's labels and the event GUID only.
TEST(PodExtractor, TaskPodKeepsTektonLabelsAndTheEventGuid) {
  std::vector<PodRecord> pods;
  RecordingReader reader(
      [&](ObservedEvent&& e) {
        if (auto* pod = std::get_if<PodRecord>(&e.record)) pods.push_back(*pod);
      },
      [](const ReadProblem& p) { ADD_FAILURE() << p.reason; });
  reader.read_file(std::string(PIPETRACE_SOURCE_DIR) + "/examples/passing/recording.jsonl");
  ASSERT_FALSE(pods.empty());
  const KeyValues expected{{"event-GUID", "3424b670-ec9b-11ec-8ede-3a1d48c58fa2"},
                           {"tekton.dev/pipeline", "drone-test-go-pr-1-lint-dbqqf"},
                           {"tekton.dev/pipelineRun", "drone-test-go-pr-1-lint-dbqqf"},
                           {"tekton.dev/pipelineTask", "jx-secret-lint"},
                           {"tekton.dev/taskRun", "drone-test-go-pr-1-lint-dbqqf-jx-secret-lint-fv64p"}};
  EXPECT_EQ(pods[0].meta.labels, expected);
}

TEST(PodExtractor, TektonTaskPodStepPrefixStripped) {
  auto pod = extract_fixture<PodRecord>("pods/jx-controller-completed-generated.pods.yaml", "Pod");
  ASSERT_EQ(pod.containers.size(), 5u);
  EXPECT_EQ(pod.containers[1].name, "git-merge");
  EXPECT_EQ(pod.containers[1].container, "step-git-merge");
  EXPECT_EQ(pod.containers[1].image, "gcr.io/jenkinsxio/builder-jx:0.1.747");
  for (const StepRecord& step : pod.containers) {
    EXPECT_EQ(step.state, "terminated") << step.container;
    EXPECT_EQ(step.exit_code, 0) << step.container;
  }
  EXPECT_EQ(pod.init_containers.at(0).name, "credential-initializer-v7srb");
}

TEST(PodExtractor, ManagedFieldsAreSkippedAndSelectedAnnotationsKept) {
  const char* json = R"({"kind":"Pod","apiVersion":"v1","metadata":{"name":"p","namespace":"ns",
    "managedFields":[{"manager":"kubelet","fieldsV1":{"f:status":{"f:conditions":{"k:{\"type\":\"Ready\"}":{}}}}}],
    "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"huge\":true}",
                   "tekton.dev/pipelinerunSpanContext":"{\"traceparent\":\"00-ab-cd-01\"}",
                   "example.com/traceparent":"00-x","other":"y","pipetrace.dev/attempt":"2"}},
    "status":{"phase":"Running"}})";
  ExtractResult result = extract_object_json(json);
  ASSERT_EQ(result.status, ExtractStatus::Ok) << result.message;
  const auto& pod = std::get<PodRecord>(*result.record);
  EXPECT_EQ(pod.phase, "Running");
  ASSERT_EQ(pod.meta.annotations.size(), 3u);
  EXPECT_EQ(pod.meta.annotations[0].first, "tekton.dev/pipelinerunSpanContext");
  EXPECT_EQ(pod.meta.annotations[0].second, R"({"traceparent":"00-ab-cd-01"})");
  EXPECT_EQ(pod.meta.annotations[1].first, "example.com/traceparent");
  EXPECT_EQ(pod.meta.annotations[2].first, "pipetrace.dev/attempt");
}

}  // namespace
}  // namespace pipetrace
