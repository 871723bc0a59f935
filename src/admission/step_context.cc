// Step and TaskRun span IDs of a task pod (see step_context.h).
#include "admission/step_context.h"

#include "link/span_builder.h"

namespace pipetrace::admission {

PodSpanContexts pod_span_contexts(const TaskPod& pod, const std::string& cluster, TraceDecision decision) {
  PodSpanContexts out;
  // The same derivations the TaskRun and Pod span builders use.
  out.task_run_span = decision.task_run_span
                          ? *decision.task_run_span
                          : resource_span_id(cluster, "TaskRun", pod.ns, pod.task_run, pod.task_run_uid);
  for (const StepContainer& step : pod.steps) {
    out.steps.push_back({step.container, step_span_id(cluster, pod.task_run_uid, pod.ns, pod.task_run, step.step)});
  }
  out.decision = std::move(decision);
  return out;
}

}  // namespace pipetrace::admission
