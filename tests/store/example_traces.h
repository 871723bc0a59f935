// Realistic pipeline traces built in code, shaped as pipetrace's tracer emits
// them (webhook root -> LighthouseJob -> queued + PipelineRun -> TaskRuns ->
// pods -> scheduling, image pull and step spans, with kubelet events on the
// pods). Used by the store, analyze and UI tests until a replay of the
// recorded examples can fill a store. Header-only so that each test binary
// and the UI test's store writer can include it.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "model/ids.h"
#include "model/span.h"

namespace pipetrace::examples {

inline constexpr TimeNs kSecond = 1'000'000'000;
// 2024-05-06T09:00:00Z, a Monday morning.
inline constexpr TimeNs kMonday = 1714986000LL * kSecond;

struct ExampleRunSpec {
  std::string key;  // makes the trace ID: one key, one trace
  std::string repository = "https://github.com/acme/web-app";
  std::string pipeline = "pr-build";
  std::string change_id = "42";
  std::string commit = "6077d805b0fc49f65e6dbaefc2d1fc9b4f92aa4e";
  std::string branch = "feature/login";
  std::string builder_image = "gcr.io/jenkinsxio/builder-maven:2.1.150";
  TimeNs start = kMonday;
  int build_seconds = 315;
  int test_seconds = 188;
  bool test_fails = false;
  // The test step is still running: spans of unfinished resources carry
  // pipetrace.span.incomplete and end when they were last seen.
  bool running = false;
  // Also a Jenkins X PipelineActivity under the job that restates the run as
  // a stage with steps (ending a second after the PipelineRun, as a
  // controller updating it later would).
  bool with_activity = false;
};

namespace detail {

inline void put(Span& s, const std::string& key, const std::string& value) {
  if (!value.empty()) s.attributes.push_back({key, value});
}

struct TraceWriter {
  TraceId trace_id;
  std::string key;
  TimeNs origin;
  std::vector<Span> spans;

  Span& add(const std::string& name, const Span* parent, int start_s, int end_s) {
    Span s;
    s.trace_id = trace_id;
    s.span_id = derive_span_id({"example", key, parent != nullptr ? parent->span_id.hex() : "", name});
    if (parent != nullptr) s.parent_span_id = parent->span_id;
    s.name = name;
    s.start = origin + start_s * kSecond;
    s.end = origin + end_s * kSecond;
    spans.push_back(std::move(s));
    return spans.back();
  }
  // References into `spans` move when it grows; look spans up again by ID.
  Span& find(const SpanId& id) {
    for (auto& s : spans) {
      if (s.span_id == id) return s;
    }
    throw std::logic_error("example span not found");
  }
};

inline SpanEvent k8s_event(TimeNs at, const std::string& reason, const std::string& message) {
  SpanEvent e;
  e.time = at;
  e.name = reason;
  e.attributes = {{"k8s.event.reason", reason}, {"k8s.event.message", message}};
  return e;
}

inline void fail(Span& s, const std::string& key, const std::string& message) {
  s.attributes.push_back({key, std::string("failure")});
  s.status = StatusCode::Error;
  s.status_message = message;
}

inline void succeed(Span& s, const std::string& key) { s.attributes.push_back({key, std::string("success")}); }

}  // namespace detail

// One pull-request pipeline run. Timeline in seconds from spec.start:
//   0 webhook; 2-8 queued; 8 PipelineRun starts; 10 both TaskRuns start.
//   lint: scheduling 10-12, pull golangci-lint 13-58, step lint 60-148.
//   from-build-pack: scheduling 10-25 (FailedScheduling first), pull builder
//   26-90, step git-clone 92-105, step build 105-(105+B), step test next T s;
//   pod, TaskRun and PipelineRun end 2 s after the test, the job 2 s later.
inline SpanBatch example_run(const ExampleRunSpec& spec) {
  using detail::put;
  detail::TraceWriter w{derive_trace_id({"example", spec.key}), spec.key, spec.start, {}};
  const int build_end = 105 + spec.build_seconds;
  const int test_end = build_end + spec.test_seconds;
  const int run_end = test_end + 2;
  const int job_end = run_end + 2;
  const std::string repo_short = spec.repository.substr(spec.repository.rfind('/') + 1);
  const std::string run_name =
      repo_short + (spec.change_id.empty() ? "" : "-pr-" + spec.change_id) + "-" + spec.pipeline + "-" + spec.key;
  const std::string repo_name = spec.repository.substr(spec.repository.find("github.com/") + 11);
  const char* result_key = "cicd.pipeline.result";
  const char* task_result_key = "cicd.pipeline.task.run.result";

  auto vcs = [&](Span& s) {
    put(s, "vcs.repository.url.full", spec.repository);
    put(s, "vcs.ref.head.name", spec.branch);
    put(s, "vcs.ref.head.revision", spec.commit);
    put(s, "vcs.change.id", spec.change_id);
  };
  auto incomplete = [&](Span& s) {
    if (spec.running) s.attributes.push_back({"pipetrace.span.incomplete", true});
  };

  Span& root = w.add("pull_request.opened " + repo_name, nullptr, 0, job_end);
  root.kind = SpanKind::Server;
  put(root, "vcs.provider.name", "github");
  vcs(root);
  put(root, "vcs.repository.name", repo_name);
  put(root, "url.full", spec.repository + "/pull/" + spec.change_id);
  put(root, "pipetrace.webhook.guid", "guid-" + spec.key);
  const SpanId root_id = root.span_id;

  Span& job = w.add("LighthouseJob " + spec.pipeline, &w.find(root_id), 2, job_end);
  vcs(job);
  put(job, "cicd.pipeline.name", spec.pipeline);
  put(job, "cicd.pipeline.run.id", run_name);
  put(job, "k8s.namespace.name", "jx");
  incomplete(job);
  if (!spec.running) {
    if (spec.test_fails) detail::fail(job, result_key, "failure: Pipeline failed");
    else detail::succeed(job, result_key);
  }
  const SpanId job_id = job.span_id;

  Span& queued = w.add("queued", &w.find(job_id), 2, 8);
  put(queued, "pipetrace.wait.kind", "queue");

  Span& run = w.add("PipelineRun " + run_name, &w.find(job_id), 8, run_end);
  put(run, "cicd.pipeline.name", run_name);
  put(run, "cicd.pipeline.run.id", run_name);
  put(run, "k8s.namespace.name", "jx");
  incomplete(run);
  if (!spec.running) {
    if (spec.test_fails) detail::fail(run, result_key, "Failed: Tasks Completed: 2 (Failed: 1, Cancelled 0)");
    else detail::succeed(run, result_key);
  }
  const SpanId run_id = run.span_id;

  // lint: a quick task in parallel with the build.
  Span& lint = w.add("TaskRun lint", &w.find(run_id), 10, 150);
  put(lint, "cicd.pipeline.task.name", "lint");
  put(lint, "k8s.pod.name", run_name + "-lint-pod");
  detail::succeed(lint, task_result_key);
  const SpanId lint_id = lint.span_id;
  Span& lint_pod = w.add("Pod " + run_name + "-lint-pod", &w.find(lint_id), 10, 150);
  put(lint_pod, "k8s.pod.name", run_name + "-lint-pod");
  put(lint_pod, "k8s.namespace.name", "jx");
  lint_pod.events = {
      detail::k8s_event(spec.start + 12 * kSecond, "Scheduled", "Successfully assigned jx/lint-pod to node-2"),
      detail::k8s_event(spec.start + 13 * kSecond, "Pulling", "Pulling image \"golangci/golangci-lint:v1.55\""),
      detail::k8s_event(spec.start + 58 * kSecond, "Pulled",
                        "Successfully pulled image \"golangci/golangci-lint:v1.55\" in 45s")};
  const SpanId lint_pod_id = lint_pod.span_id;
  put(w.add("scheduling", &w.find(lint_pod_id), 10, 12), "pipetrace.wait.kind", "scheduling");
  Span& lint_pull = w.add("pull golangci/golangci-lint:v1.55", &w.find(lint_pod_id), 13, 58);
  put(lint_pull, "container.image.name", "golangci/golangci-lint:v1.55");
  put(lint_pull, "pipetrace.wait.kind", "image-pull");
  Span& lint_step = w.add("step lint", &w.find(lint_pod_id), 60, 148);
  put(lint_step, "cicd.pipeline.task.step.name", "lint");
  detail::succeed(lint_step, task_result_key);

  // from-build-pack: the long task that decides the run's end.
  Span& task = w.add("TaskRun from-build-pack", &w.find(run_id), 10, run_end);
  put(task, "cicd.pipeline.task.name", "from-build-pack");
  put(task, "k8s.pod.name", run_name + "-from-build-pack-pod");
  incomplete(task);
  if (!spec.running) {
    if (spec.test_fails) detail::fail(task, task_result_key, "Failed: \"step-test\" exited with code 1");
    else detail::succeed(task, task_result_key);
  }
  const SpanId task_id = task.span_id;
  Span& pod = w.add("Pod " + run_name + "-from-build-pack-pod", &w.find(task_id), 10, run_end);
  put(pod, "k8s.pod.name", run_name + "-from-build-pack-pod");
  put(pod, "k8s.namespace.name", "jx");
  incomplete(pod);
  pod.events = {
      detail::k8s_event(spec.start + 11 * kSecond, "FailedScheduling",
                        "0/3 nodes are available: 3 Insufficient cpu."),
      detail::k8s_event(spec.start + 25 * kSecond, "Scheduled", "Successfully assigned jx/build-pod to node-1"),
      detail::k8s_event(spec.start + 26 * kSecond, "Pulling", "Pulling image \"" + spec.builder_image + "\""),
      detail::k8s_event(spec.start + 90 * kSecond, "Pulled",
                        "Successfully pulled image \"" + spec.builder_image + "\" in 1m4s")};
  const SpanId pod_id = pod.span_id;
  put(w.add("scheduling", &w.find(pod_id), 10, 25), "pipetrace.wait.kind", "scheduling");
  Span& pull = w.add("pull " + spec.builder_image, &w.find(pod_id), 26, 90);
  put(pull, "container.image.name", spec.builder_image);
  put(pull, "pipetrace.wait.kind", "image-pull");

  auto step = [&](const std::string& name, int start_s, int end_s) -> Span& {
    Span& s = w.add("step " + name, &w.find(pod_id), start_s, end_s);
    put(s, "cicd.pipeline.task.name", "from-build-pack");
    put(s, "cicd.pipeline.task.step.name", name);
    put(s, "k8s.container.name", "step-" + name);
    put(s, "container.image.name", spec.builder_image);
    return s;
  };
  detail::succeed(step("git-clone", 92, 105), task_result_key);
  detail::succeed(step("build", 105, build_end), task_result_key);
  Span& test = step("test", build_end, test_end);
  if (spec.running) {
    test.attributes.push_back({"pipetrace.span.incomplete", true});
  } else if (spec.test_fails) {
    test.attributes.push_back({"process.exit.code", std::int64_t{1}});
    detail::fail(test, task_result_key, "Error: 3 tests failed");
  } else {
    detail::succeed(test, task_result_key);
  }

  if (spec.with_activity) {
    Span& activity = w.add("PipelineActivity acme/web-app/PR-" + spec.change_id + " #1", &w.find(job_id), 8, run_end + 1);
    put(activity, "cicd.pipeline.name", "acme/web-app/PR-" + spec.change_id);
    put(activity, "k8s.object.kind", "PipelineActivity");
    const SpanId activity_id = activity.span_id;
    Span& stage = w.add("stage from build pack", &w.find(activity_id), 10, run_end + 1);
    put(stage, "cicd.pipeline.task.name", "from build pack");
    const SpanId stage_id = stage.span_id;
    auto mirror = [&](const std::string& name, int start_s, int end_s) {
      Span& s = w.add("step " + name, &w.find(stage_id), start_s, end_s);
      put(s, "cicd.pipeline.task.step.name", name);
    };
    mirror("Git Clone", 92, 105);
    mirror("Build", 105, build_end);
    mirror("Test", build_end, test_end + 1);
  }

  SpanBatch batch;
  batch.resource.attributes = {{"service.name", std::string("pipetrace")}};
  batch.spans = std::move(w.spans);
  return batch;
}

// The failing pull request of the tests: PR 42 fails in "step test" after a
// 315 s "step build"; the run lasts 610 s (job span 2 s -> 612 s).
inline ExampleRunSpec failing_pr_spec() {
  ExampleRunSpec spec;
  spec.key = "failing-pr-42";
  spec.test_fails = true;
  return spec;
}

inline const Span& span_named(const SpanBatch& batch, const std::string& name) {
  for (const auto& s : batch.spans) {
    if (s.name == name) return s;
  }
  throw std::logic_error("no example span named " + name);
}

// A small history for lists and statistics: pr-build on acme/web-app five
// times (one failing, PR 42), release on acme/api-server twice, and one
// pr-build of acme/api-server still running. Newest last.
inline std::vector<SpanBatch> example_history() {
  std::vector<SpanBatch> out;
  const int build_seconds[] = {300, 320, 340, 360};
  for (int i = 0; i < 4; ++i) {
    ExampleRunSpec spec;
    spec.key = "web-app-pr-" + std::to_string(40 + i);
    spec.change_id = std::to_string(30 + i);
    spec.commit = "a1b2c3d4e5f60718293a4b5c6d7e8f90123456" + std::to_string(10 + i);
    spec.start = kMonday - (5 - i) * 3600 * kSecond;
    spec.build_seconds = build_seconds[i];
    out.push_back(example_run(spec));
  }
  ExampleRunSpec failing = failing_pr_spec();
  failing.start = kMonday - 30 * 60 * kSecond;
  out.push_back(example_run(failing));
  for (int i = 0; i < 2; ++i) {
    ExampleRunSpec spec;
    spec.key = "api-release-" + std::to_string(i);
    spec.repository = "https://github.com/acme/api-server";
    spec.pipeline = "release";
    spec.change_id = "";
    spec.branch = "main";
    spec.commit = "ffee" + std::to_string(i) + "d805b0fc49f65e6dbaefc2d1fc9b4f92aa4e0";
    spec.builder_image = "gcr.io/jenkinsxio/builder-go:2.1.150";
    spec.start = kMonday - (3 - i) * 3600 * kSecond + 600 * kSecond;
    spec.build_seconds = 200;
    spec.test_seconds = 60;
    out.push_back(example_run(spec));
  }
  ExampleRunSpec running;
  running.key = "api-pr-7-running";
  running.repository = "https://github.com/acme/api-server";
  running.change_id = "7";
  running.branch = "fix/timeout";
  running.commit = "0badc0de5b0fc49f65e6dbaefc2d1fc9b4f92aa4";
  running.builder_image = "gcr.io/jenkinsxio/builder-go:2.1.150";
  running.start = kMonday - 5 * 60 * kSecond;
  running.running = true;
  out.push_back(example_run(running));
  return out;
}

}  // namespace pipetrace::examples
