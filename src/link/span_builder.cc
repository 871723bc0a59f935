// Dispatch to the per-kind builders, and the ID derivations they share.
#include "link/span_builder.h"

#include "link/kind_spans.h"
#include "model/ids.h"

namespace pipetrace {

SpanId step_span_id(const std::string& cluster, const std::string& task_run_uid, const std::string& task_run_ns,
                    const std::string& task_run_name, const std::string& step_name) {
  if (!task_run_uid.empty()) return derive_span_id({cluster, "TaskRunStep", "uid", task_run_uid, step_name});
  return derive_span_id({cluster, "TaskRunStep", "name", task_run_ns, task_run_name, step_name});
}

SpanId resource_span_id(std::string_view cluster, std::string_view kind, std::string_view ns,
                        std::string_view name, std::string_view uid) {
  return derive_span_id({cluster, kind, ns, name, uid});
}

TraceId webhook_trace_id(std::string_view guid) { return derive_trace_id({"git-event", guid}); }
SpanId webhook_span_id(std::string_view guid) { return derive_span_id({"git-event", guid}); }

void build_spans(RecordRef record, const SpanPlacement& placement, std::vector<Span>& out) {
  record.visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, WebhookRecord>) kind_spans::webhook(r, placement, out);
        else if constexpr (std::is_same_v<T, LighthouseJobRecord>) kind_spans::lighthouse_job(r, placement, out);
        else if constexpr (std::is_same_v<T, LighthouseActivityRecord>)
          kind_spans::lighthouse_activity(r, placement, out);
        else if constexpr (std::is_same_v<T, PipelineActivityRecord>)
          kind_spans::pipeline_activity(r, placement, out);
        else if constexpr (std::is_same_v<T, PipelineRunRecord>) kind_spans::pipeline_run(r, placement, out);
        else if constexpr (std::is_same_v<T, TaskRunRecord>) kind_spans::task_run(r, placement, out);
        else if constexpr (std::is_same_v<T, PodRecord>) kind_spans::pod(r, placement, out);
        // Events never become spans of their own: the tracer hands them to
        // the span of the object they are about.
      });
}

}  // namespace pipetrace
