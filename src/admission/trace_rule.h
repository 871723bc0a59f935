// Which trace a task pod's steps belong to, decided at admission time, before
// the pod exists (see docs/admission.md, "How the IDs match"). The answer
// must be the trace the tracer will later put the step spans in, so a rule
// answers only when it is certain; otherwise the trace is left unknown and no
// TRACEPARENT is injected.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "admission/task_pod.h"
#include "admission/trace_lookup.h"
#include "model/span.h"

namespace pipetrace::admission {

struct TraceRuleSettings {
  std::string cluster = "default";
  bool task_runs_watched = true;
};

struct TraceDecision {
  std::optional<TraceId> trace;
  std::string rule;  // which rule decided, or why none could (for logs and tests)
  // Spans of the pod's TaskRun and PipelineRun when the tracer has placed
  // them in this trace.
  std::optional<SpanId> task_run_span;
  std::optional<SpanId> pipeline_run_span;
};

// In order: (1) the tracer has placed the TaskRun; (2) the tracer has placed
// the PipelineRun the TaskRun will join; (3) the event-GUID label names the
// git event at the root; (4) a TaskRun without PipelineRun is a root of its
// own (adopting its traceparent annotation, if any); else unknown.
// `lookup` may be null (no live tracer).
TraceDecision decide_trace(const TaskPod& pod, const TraceRuleSettings& settings, TraceLookup* lookup,
                           std::chrono::steady_clock::time_point deadline);

}  // namespace pipetrace::admission
