// The trace rules (see trace_rule.h). Each mirrors a branch of
// Tracer::resolve, applied to what the pod carries: Tekton copies a TaskRun's
// labels and annotations onto its pod, and the TaskRun's from its PipelineRun.
#include "admission/trace_rule.h"

#include "link/record_view.h"
#include "link/span_builder.h"
#include "model/ids.h"

namespace pipetrace::admission {

TraceDecision decide_trace(const TaskPod& pod, const TraceRuleSettings& settings, TraceLookup* lookup,
                           std::chrono::steady_clock::time_point deadline) {
  TraceDecision d;
  ResourceKey task_run_key{"TaskRun", pod.ns, pod.task_run};
  ResourceKey pipeline_run_key{"PipelineRun", pod.ns, pod.pipeline_run};
  if (lookup != nullptr) {
    // A placement is final, whatever arrives later.
    if (auto placed = lookup->resolved(task_run_key, deadline)) {
      d.trace = placed->trace_id;
      d.task_run_span = placed->span_id;
      d.rule = "the tracer has placed TaskRun " + pod.ns + "/" + pod.task_run;
    }
    if (!pod.pipeline_run.empty()) {
      if (auto placed = lookup->resolved(pipeline_run_key, deadline)) {
        // The TaskRun joins its PipelineRun first of all its parents, so it
        // takes this trace as soon as the tracer sees it.
        if (!d.trace && settings.task_runs_watched) {
          d.trace = placed->trace_id;
          d.rule = "the tracer has placed PipelineRun " + pod.ns + "/" + pod.pipeline_run;
        }
        if (d.trace && *d.trace == placed->trace_id) d.pipeline_run_span = placed->span_id;
      }
    }
    if (d.trace) return d;
  }

  ParentCandidates parents = parents_of(ResourceRecord(pod.record));
  if (!parents.event_guid.empty()) {
    // Lighthouse labels the job and its PipelineRun with the event's GUID and
    // Tekton copies labels down, so every ancestor falls back to the same root.
    d.trace = webhook_trace_id(parents.event_guid);
    d.rule = "label event-GUID " + parents.event_guid;
    return d;
  }
  if (pod.pipeline_run.empty() && settings.task_runs_watched && !pod.task_run_uid.empty()) {
    // A TaskRun with no PipelineRun has no parent to wait for: it is a root.
    TraceId adopted;
    SpanId adopted_span;
    if (!parents.traceparent.empty() && parse_traceparent(parents.traceparent, adopted, adopted_span)) {
      d.trace = adopted;
      d.rule = "the TaskRun's traceparent annotation";
    } else {
      d.trace = derive_trace_id({settings.cluster, "TaskRun", pod.ns, pod.task_run, pod.task_run_uid});
      d.rule = "TaskRun " + pod.ns + "/" + pod.task_run + " is a root of its own";
    }
    return d;
  }
  if (!pod.pipeline_run.empty()) {
    d.rule = "PipelineRun " + pod.ns + "/" + pod.pipeline_run + " is not placed in a trace yet and no event-GUID label";
  } else if (!settings.task_runs_watched) {
    d.rule = "TaskRuns are not watched, so the pod's steps will not hang under its TaskRun";
  } else {
    d.rule = "no owner reference gives the TaskRun's uid";
  }
  return d;
}

}  // namespace pipetrace::admission
