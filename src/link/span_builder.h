// Builds the spans of one resource from its latest record, once the linker
// has placed it in a trace. One builder per kind; the lifecycle (waiting for
// a parent, finishing, emitting) is the tracer's and shared by all kinds.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "extract/records.h"
#include "link/record_ref.h"
#include "link/waiting_phases.h"
#include "model/span.h"

namespace pipetrace {

// A Kubernetes Event about the resource, as the builders read it: the
// texts are views into the tracer's storage, valid while spans are built.
struct ObjectEvent {
  std::string name;  // the Event object's name: orders events of one time and reason
  std::string_view reason;
  std::string message;  // owned: a held message gets its object's name back
  std::string_view type;  // Normal | Warning
  std::string_view field_path;
  std::string_view reporting_component;
  TimeNs first = 0;
  TimeNs last = 0;
  int count = 1;
};

// Everything a builder needs besides the record itself.
struct SpanPlacement {
  std::string cluster;
  TraceId trace_id;
  SpanId span_id;         // this resource's span
  SpanId parent_span_id;  // empty for a root
  std::string trace_state;
  std::vector<SpanLink> links;
  TimeNs first_observed = 0;  // when pipetrace first saw the resource (0: never said)
  TimeNs last_observed = 0;
  TimeNs deleted_at = 0;      // a DELETED watch event arrived before it finished
  bool unfinished = false;    // emitted at end of input without having finished
  TimeNs children_end = 0;    // latest end among the resource's descendants (roots cover them)
  const std::vector<ObjectEvent>* events = nullptr;  // Kubernetes events about this object
  const WaitHistory* waits = nullptr;                // waiting phases observed before it ran (live watches)
  // Tekton steps are reported by both the TaskRun and its pod: the TaskRun
  // owns the step spans and puts them under the pod span when the pod is known.
  SpanId pod_span_id;                       // TaskRun: its pod's span, when the pod is known
  const TaskRunRecord* task_run = nullptr;  // Pod: its TaskRun, when known
};

// Appends the resource's own span first, then its child spans (steps, stages,
// queue and image-pull spans).
void build_spans(RecordRef record, const SpanPlacement& placement, std::vector<Span>& out);

// The ID of a step span: identity is the TaskRun (uid, else namespace/name)
// and the step name, so that a pod's container and the TaskRun's status.steps
// entry (and the admission webhook, before either exists) agree.
SpanId step_span_id(const std::string& cluster, const std::string& task_run_uid, const std::string& task_run_ns,
                    const std::string& task_run_name, const std::string& step_name);

// The ID of a resource span: (cluster, kind, namespace, name, uid).
SpanId resource_span_id(std::string_view cluster, std::string_view kind, std::string_view ns,
                        std::string_view name, std::string_view uid);

// The trace of a git event: derived from its delivery GUID alone, so every
// cluster and replica that sees the event joins the same trace.
TraceId webhook_trace_id(std::string_view guid);
SpanId webhook_span_id(std::string_view guid);

}  // namespace pipetrace
