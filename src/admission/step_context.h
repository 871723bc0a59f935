// The span contexts the admission webhook hands to a task pod: one per step
// container (the step span the tracer will emit) and the TaskRun's, derived
// from identities that are known before the pod exists (the TaskRun's uid,
// namespace and name, the step name), never from the pod's own name or uid.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "admission/task_pod.h"
#include "admission/trace_rule.h"
#include "model/span.h"

namespace pipetrace::admission {

struct StepSpanContext {
  std::string container;
  SpanId span_id;
};

struct PodSpanContexts {
  TraceDecision decision;   // decision.trace unset: no TRACEPARENT
  SpanId task_run_span;
  std::vector<StepSpanContext> steps;  // in the order of TaskPod::steps
};

PodSpanContexts pod_span_contexts(const TaskPod& pod, const std::string& cluster, TraceDecision decision);

}  // namespace pipetrace::admission
