// See pod_mutator.h.
#include "admission/pod_mutator.h"

#include <spdlog/spdlog.h>

#include <exception>

#include "admission/admission_review.h"
#include "admission/pod_patch.h"
#include "admission/step_context.h"
#include "admission/task_pod.h"
#include "admission/trace_rule.h"

namespace pipetrace::admission {
namespace {

std::string pod_label(const AdmissionRequest& q, const TaskPod* pod) {
  std::string name = pod != nullptr && !pod->pod_name.empty() ? pod->pod_name : q.name;
  if (name.empty()) name = "(generateName)";
  return (q.ns.empty() ? std::string() : q.ns + "/") + name;
}

}  // namespace

PodMutator::PodMutator(AdmissionOptions options, TraceLookup* lookup)
    : options_(std::move(options)), lookup_(lookup) {}

std::string PodMutator::review(std::string_view body) noexcept {
  ++reviews_;
  try {
    return mutate(body);
  } catch (const std::exception& e) {
    ++errors_;
    spdlog::error("admission: internal error while reviewing a pod ({}); the pod is admitted unchanged", e.what());
  } catch (...) {
    ++errors_;
    spdlog::error("admission: unknown internal error while reviewing a pod; the pod is admitted unchanged");
  }
  // Even the uid may be lost here; an answer without it is one the API
  // server ignores (failurePolicy Ignore), which is still an admission.
  try {
    ReviewReading reading = read_admission_review(body);
    return admission_response(reading.request, nlohmann::json::array());
  } catch (...) {
    return R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"","allowed":true}})";
  }
}

std::string PodMutator::mutate(std::string_view body) {
  auto deadline = std::chrono::steady_clock::now() + options_.lookup_budget;
  ReviewReading reading = read_admission_review(body);
  const AdmissionRequest& q = reading.request;
  const nlohmann::json no_patch = nlohmann::json::array();
  if (!reading.ok) {
    ++malformed_;
    spdlog::warn("admission: cannot read an AdmissionReview ({}); answering allowed with no patch", reading.error);
    return admission_response(q, no_patch);
  }
  // Env of an existing pod is immutable, so only a creation can be patched.
  if (q.kind != "Pod" || !q.group.empty() || !q.sub_resource.empty() ||
      (!q.operation.empty() && q.operation != "CREATE")) {
    spdlog::debug("admission: {} {} {} is not a pod creation; left untouched", q.operation, q.kind, q.sub_resource);
    return admission_response(q, no_patch);
  }
  TaskPodResult read = read_task_pod(q.object, q.ns);
  if (read.reading == PodReading::Unreadable) {
    ++malformed_;
    spdlog::warn("admission: pod {} cannot be read ({}); admitted unchanged", pod_label(q, nullptr), read.message);
    return admission_response(q, no_patch);
  }
  if (read.reading == PodReading::NotTaskPod) {
    spdlog::debug("admission: pod {} is not a Tekton task pod ({}); left untouched", pod_label(q, &read.pod),
                  read.message);
    return admission_response(q, no_patch);
  }
  const TaskPod& pod = read.pod;
  if (pod.steps.empty()) {
    spdlog::debug("admission: task pod {} has no step containers; left untouched", pod_label(q, &pod));
    return admission_response(q, no_patch);
  }
  TraceDecision decision =
      decide_trace(pod, {options_.cluster, options_.task_runs_watched}, lookup_, deadline);
  if (!decision.trace) {
    ++without_trace_;
    spdlog::info("admission: the trace of task pod {} (TaskRun {}) is not known yet: {}; its steps get no TRACEPARENT",
                 pod_label(q, &pod), pod.task_run, decision.rule);
  }
  PodSpanContexts contexts = pod_span_contexts(pod, options_.cluster, std::move(decision));
  nlohmann::json patch = build_pod_patch(pod, contexts, {options_.otlp_endpoint, options_.resource_attributes});
  if (!patch.empty()) {
    ++patched_;
    spdlog::debug("admission: task pod {}: {} patch operations ({})", pod_label(q, &pod), patch.size(),
                  contexts.decision.rule);
  }
  return admission_response(q, patch);
}

MutatorCounts PodMutator::counts() const {
  return {reviews_.load(), patched_.load(), without_trace_.load(), malformed_.load(), errors_.load()};
}

}  // namespace pipetrace::admission
