// Real Tekton task pods from the fixtures, reviewed as the API server would
// send them at creation, then compared with what replaying the same objects
// through the real tracer emits: every step container's TRACEPARENT must be
// exactly its step span's context, under each trace rule.
#include <gtest/gtest.h>

#include <set>

#include "admission/pod_mutator.h"
#include "admission_test_support.h"
#include "link/span_builder.h"
#include "model/ids.h"

namespace pipetrace::admission_test {
namespace {

struct FixtureCase {
  std::string pods;
  std::string runs;
};

const std::vector<FixtureCase>& fixture_cases() {
  static const std::vector<FixtureCase> cases = {
      {"jx/tektonlog/cases/multiple_stages/pods.yml", "jx/tektonlog/cases/multiple_stages/pipelinerun.yml"},
      {"jx/tektonlog/cases/pods.yml", "jx/tektonlog/cases/pipelineruns.yml"},
      {"jx/tektonlog/cases/legacy_pipeline_run/pods.yml", "jx/tektonlog/cases/legacy_pipeline_run/pipelineruns.yml"},
      {"jx/tektonlog/cases/metapipeline_and_pending_generated/pods.yml",
       "jx/tektonlog/cases/metapipeline_and_pending_generated/pipelineruns.yml"},
      {"jx/tektonlog/cases/pod_with_failure/pods.yml", "jx/tektonlog/cases/pod_with_failure/pipelineruns.yml"},
      {"jx/tektonlog/cases/multiple_stages_with_failure_in_first_stage/pods.yml",
       "jx/tektonlog/cases/multiple_stages_with_failure_in_first_stage/pipelineruns.yml"},
      {"pods/jx-controller-completed-generated.pods.yaml", "tekton/jx-controller-completed-generated.pipelineruns.yaml"},
      {"pods/jx-controller-running-generated.pods.yaml", "tekton/jx-controller-running-generated.pipelineruns.yaml"},
  };
  return cases;
}

// One task pod with the objects around it.
struct TaskPodCase {
  std::string name;  // for messages
  Json pod;          // as the fixture holds it (finished or running)
  std::optional<Json> pipeline_run;
  Json task_run;
};

std::vector<TaskPodCase> task_pod_cases() {
  std::vector<TaskPodCase> out;
  for (const FixtureCase& fc : fixture_cases()) {
    std::vector<Json> runs = objects_of_kind(load_objects(fc.runs), "PipelineRun");
    std::vector<Json> pods = objects_of_kind(load_objects(fc.pods), "Pod");
    EXPECT_FALSE(pods.empty()) << fc.pods;
    for (const Json& pod : pods) {
      const Json& labels = pod["metadata"].value("labels", Json::object());
      if (!labels.contains("tekton.dev/taskRun")) continue;
      TaskPodCase c;
      c.name = fc.pods + ": " + pod["metadata"].value("name", "");
      c.pod = pod;
      if (const Json* pr = pipeline_run_named(runs, labels.value("tekton.dev/pipelineRun", ""))) c.pipeline_run = *pr;
      EXPECT_TRUE(c.pipeline_run.has_value()) << c.name << " has no PipelineRun in " << fc.runs;
      c.task_run = task_run_for(pod, c.pipeline_run ? &*c.pipeline_run : nullptr);
      out.push_back(std::move(c));
    }
  }
  return out;
}

void add_label(Json& object, const std::string& key, const std::string& value) {
  object["metadata"]["labels"][key] = value;
}

// The replayed span of a kind ("TaskRun", "PipelineRun") by its object name.
const Span* object_span(const std::vector<Span>& spans, const std::string& kind, const std::string& name) {
  for (const Span& s : spans) {
    if (s.string_attribute("k8s.object.kind") == kind && s.string_attribute("k8s.object.name") == name) return &s;
  }
  return nullptr;
}

std::string review(admission::PodMutator& mutator, const Json& pod, const std::string& ns) {
  return mutator.review(review_for(pod, ns).dump());
}

admission::AdmissionOptions options() {
  admission::AdmissionOptions o;
  o.cluster = kCluster;
  o.otlp_endpoint = "http://otel-collector.observability:4318";
  o.resource_attributes = {{"deployment.environment", "ci"}};
  return o;
}

std::optional<std::string> carrier_traceparent(const Json& pod, const char* annotation) {
  const Json& annotations = pod["metadata"].value("annotations", Json::object());
  if (!annotations.contains(annotation)) return std::nullopt;
  Json carrier = Json::parse(annotations[annotation].get<std::string>(), nullptr, false);
  EXPECT_TRUE(carrier.is_object()) << annotations[annotation];
  return carrier.value("traceparent", "");
}

// serve at the time Tekton creates the pod: the tracer holds the PipelineRun
// and the TaskRun (not the pod), and the webhook asks it.
TEST(FixturePods, LiveTracerPlacementGivesEveryStepItsReplayedContext) {
  int pods = 0, containers = 0;
  for (const TaskPodCase& c : task_pod_cases()) {
    if (!c.pipeline_run) continue;
    LiveTracer live;
    live.observe({*c.pipeline_run, c.task_run});
    admission::PodMutator mutator(options(), &live);
    // Half the pods arrive with a generateName only: the IDs must not care.
    bool generate_name = pods % 2 == 1;
    Json at_admission = admission_time_pod(c.pod, generate_name);
    Answer answer = parse_answer(review(mutator, at_admission, c.pod["metadata"]["namespace"]));
    EXPECT_EQ(answer.response.value("uid", ""), "review-1");
    ASSERT_FALSE(answer.patch.empty()) << c.name;
    Json patched = at_admission.patch(answer.patch);
    EXPECT_GT(live.lookups, 0);

    std::vector<Span> replayed = replay({*c.pipeline_run, c.task_run, c.pod});
    containers += expect_steps_match_replay(c.name, c.pod, patched, replayed);

    // Tekton's span-context annotations carry the TaskRun's and the PipelineRun's spans.
    const Span* tr = object_span(replayed, "TaskRun", c.task_run["metadata"]["name"]);
    const Span* pr = object_span(replayed, "PipelineRun", (*c.pipeline_run)["metadata"]["name"]);
    ASSERT_NE(tr, nullptr) << c.name;
    ASSERT_NE(pr, nullptr) << c.name;
    EXPECT_EQ(carrier_traceparent(patched, "tekton.dev/taskrunSpanContext"),
              format_traceparent(tr->trace_id, tr->span_id))
        << c.name;
    EXPECT_EQ(carrier_traceparent(patched, "tekton.dev/pipelinerunSpanContext"),
              format_traceparent(pr->trace_id, pr->span_id))
        << c.name;

    // The other variables, for every step.
    for (const std::string& container : step_container_names(c.pod)) {
      const Json& pc = *container_named(patched, container);
      EXPECT_EQ(env_of(pc, "OTEL_EXPORTER_OTLP_ENDPOINT"), "http://otel-collector.observability:4318");
      std::string attrs = env_of(pc, "OTEL_RESOURCE_ATTRIBUTES").value_or("");
      EXPECT_NE(attrs.find("cicd.pipeline.task.run.id=" + c.task_run["metadata"]["name"].get<std::string>()),
                std::string::npos)
          << attrs;
      EXPECT_NE(attrs.find("k8s.container.name=" + container), std::string::npos) << attrs;
      EXPECT_NE(attrs.find("deployment.environment=ci"), std::string::npos) << attrs;
      if (generate_name) {
        EXPECT_NE(attrs.find("k8s.pod.name=$(PIPETRACE_POD_NAME)"), std::string::npos) << attrs;
        ASSERT_TRUE(pc.contains("env"));
        bool downward = false;
        for (const Json& e : pc["env"])
          downward |= e.value("name", "") == "PIPETRACE_POD_NAME" &&
                      e["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name";
        EXPECT_TRUE(downward) << container;
      } else {
        EXPECT_NE(attrs.find("k8s.pod.name=" + c.pod["metadata"]["name"].get<std::string>()), std::string::npos)
            << attrs;
      }
    }
    ++pods;
  }
  EXPECT_GE(pods, 12);
  EXPECT_GE(containers, 60);
}

// Lighthouse runs: the event-GUID label on the job, its PipelineRun, the
// TaskRun and the pod. No tracer is asked; the label alone decides.
TEST(FixturePods, EventGuidLabelGivesTheReplayedTraceWithoutTracer) {
  // A real Lighthouse delivery GUID, from a PipelineRun Lighthouse created.
  std::string text = read_text(fixture("jx/pipelines/cases/failed/pr.yaml"));
  auto at = text.find("event-GUID: ");
  ASSERT_NE(at, std::string::npos);
  std::string guid = text.substr(at + 12, text.find('\n', at) - at - 12);
  ASSERT_FALSE(guid.empty());
  int containers = 0;
  for (TaskPodCase c : task_pod_cases()) {
    if (!c.pipeline_run) continue;
    add_label(*c.pipeline_run, "event-GUID", guid);
    add_label(c.task_run, "event-GUID", guid);
    add_label(c.pod, "event-GUID", guid);
    admission::PodMutator mutator(options(), nullptr);
    Json at_admission = admission_time_pod(c.pod);
    Answer answer = parse_answer(review(mutator, at_admission, c.pod["metadata"]["namespace"]));
    Json patched = at_admission.patch(answer.patch);
    std::vector<Span> replayed = replay({*c.pipeline_run, c.task_run, c.pod});
    containers += expect_steps_match_replay(c.name, c.pod, patched, replayed);
    std::vector<std::string> names = step_container_names(c.pod);
    if (names.empty()) continue;  // a pending pod recorded without its spec's containers
    auto tp = env_of(*container_named(patched, names.front()), "TRACEPARENT");
    ASSERT_TRUE(tp.has_value());
    EXPECT_EQ(tp->substr(3, 32), webhook_trace_id(guid).hex());
    // No tracer: the PipelineRun's span is not known, so its annotation is not written.
    EXPECT_FALSE(carrier_traceparent(patched, "tekton.dev/pipelinerunSpanContext").has_value());
    EXPECT_TRUE(carrier_traceparent(patched, "tekton.dev/taskrunSpanContext").has_value());
  }
  EXPECT_GE(containers, 60);
}

// A TaskRun run on its own (no PipelineRun): a root, whose trace comes from
// the TaskRun's identity, all of which the pod's owner reference carries.
TEST(FixturePods, StandaloneTaskRunIsARootKnownFromThePod) {
  int containers = 0;
  for (TaskPodCase c : task_pod_cases()) {
    c.pod["metadata"]["labels"].erase("tekton.dev/pipelineRun");
    c.pod["metadata"]["labels"].erase("tekton.dev/pipeline");
    c.task_run = task_run_for(c.pod, nullptr);
    admission::PodMutator mutator(options(), nullptr);
    Json at_admission = admission_time_pod(c.pod, /*generate_name=*/true);
    Answer answer = parse_answer(review(mutator, at_admission, c.pod["metadata"]["namespace"]));
    Json patched = at_admission.patch(answer.patch);
    containers += expect_steps_match_replay(c.name, c.pod, patched, replay({c.task_run, c.pod}));
  }
  EXPECT_GE(containers, 60);
}

// The same run with a traceparent annotation Lighthouse wrote on the
// PipelineRun-less TaskRun (copied to the pod by Tekton): the trace is adopted.
TEST(FixturePods, StandaloneTaskRunAdoptsItsTraceparentAnnotation) {
  std::vector<TaskPodCase> cases = task_pod_cases();
  ASSERT_FALSE(cases.empty());
  TaskPodCase c = cases.front();
  c.pod["metadata"]["labels"].erase("tekton.dev/pipelineRun");
  const std::string adopted = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  c.pod["metadata"]["annotations"]["lighthouse.jenkins-x.io/traceparent"] = adopted;
  c.task_run = task_run_for(c.pod, nullptr);
  admission::PodMutator mutator(options(), nullptr);
  Json at_admission = admission_time_pod(c.pod);
  Json patched = at_admission.patch(parse_answer(review(mutator, at_admission, "jx")).patch);
  EXPECT_GT(expect_steps_match_replay(c.name, c.pod, patched, replay({c.task_run, c.pod})), 0);
  auto tp = env_of(*container_named(patched, step_container_names(c.pod).at(0)), "TRACEPARENT");
  ASSERT_TRUE(tp.has_value());
  EXPECT_EQ(tp->substr(3, 32), "4bf92f3577b34da6a3ce929d0e0e4736");
}

// Without a tracer and without event-GUID, the root (a PipelineRun's own
// identity, uid included) is not on the pod: no TRACEPARENT rather than a
// wrong one, and the rest of the patch still applies.
TEST(FixturePods, UnknownTraceGivesNoTraceparentButTheOtherVariables) {
  for (const TaskPodCase& c : task_pod_cases()) {
    admission::PodMutator mutator(options(), nullptr);
    Json at_admission = admission_time_pod(c.pod);
    Answer answer = parse_answer(review(mutator, at_admission, c.pod["metadata"]["namespace"]));
    Json patched = at_admission.patch(answer.patch);
    for (const std::string& container : step_container_names(c.pod)) {
      const Json& pc = *container_named(patched, container);
      EXPECT_FALSE(env_of(pc, "TRACEPARENT").has_value()) << c.name << " " << container;
      EXPECT_TRUE(env_of(pc, "OTEL_RESOURCE_ATTRIBUTES").has_value()) << c.name << " " << container;
    }
    EXPECT_FALSE(carrier_traceparent(patched, "tekton.dev/taskrunSpanContext").has_value());
    EXPECT_EQ(mutator.counts().without_trace, 1u);
  }
}

// With a tracer that has the PipelineRun but not yet the TaskRun (its watch
// event still queued), the PipelineRun's placement decides; the TaskRun
// will be placed under it.
TEST(FixturePods, PipelineRunPlacementDecidesBeforeTheTaskRunIsSeen) {
  int containers = 0;
  for (const TaskPodCase& c : task_pod_cases()) {
    if (!c.pipeline_run) continue;
    LiveTracer live;
    live.observe({*c.pipeline_run});
    admission::PodMutator mutator(options(), &live);
    Json at_admission = admission_time_pod(c.pod);
    Json patched = at_admission.patch(parse_answer(review(mutator, at_admission, "jx")).patch);
    containers += expect_steps_match_replay(c.name, c.pod, patched, replay({*c.pipeline_run, c.task_run, c.pod}));
  }
  EXPECT_GE(containers, 60);
}

// When TaskRuns are not watched, a pod's steps hang under the pod itself,
// whose trace is unknown before it exists: nothing is predicted.
TEST(FixturePods, PipelineRunPlacementIsNotUsedWhenTaskRunsAreNotWatched) {
  TaskPodCase c = task_pod_cases().front();
  ASSERT_TRUE(c.pipeline_run.has_value());
  LiveTracer live;
  live.observe({*c.pipeline_run});
  admission::AdmissionOptions o = options();
  o.task_runs_watched = false;
  admission::PodMutator mutator(o, &live);
  Json at_admission = admission_time_pod(c.pod);
  Json patched = at_admission.patch(parse_answer(review(mutator, at_admission, "jx")).patch);
  for (const std::string& container : step_container_names(c.pod))
    EXPECT_FALSE(env_of(*container_named(patched, container), "TRACEPARENT").has_value());
}

}  // namespace
}  // namespace pipetrace::admission_test
