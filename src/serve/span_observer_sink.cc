// See span_observer_sink.h.
#include "serve/span_observer_sink.h"

namespace pipetrace::serve {

bool read_pipeline_run_span(const Span& span, PipelineRunSpan& out) {
  const std::string kind = span.string_attribute("k8s.object.kind");
  if (kind != "PipelineRun" && !(kind.empty() && span.name.starts_with("PipelineRun "))) return false;
  if (span.start == 0 || span.end < span.start) return false;
  // A run cut short by shutdown is not a finished run.
  if (const AttributeValue* v = span.find_attribute("pipetrace.span.incomplete");
      v != nullptr && std::holds_alternative<bool>(*v) && std::get<bool>(*v)) {
    return false;
  }
  out.pipeline = span.string_attribute("cicd.pipeline.name");
  if (out.pipeline.empty()) out.pipeline = span.string_attribute("k8s.object.name");
  out.result = span.string_attribute("cicd.pipeline.result");
  if (out.result.empty()) out.result = "unknown";
  out.ns = span.string_attribute("k8s.namespace.name");
  out.name = span.string_attribute("k8s.object.name");
  out.seconds = static_cast<double>(span.end - span.start) / 1e9;
  out.span = &span;
  return true;
}

void SpanObserverSink::consume(const SpanBatch& batch) {
  if (on_pipeline_run_) {
    PipelineRunSpan run;
    for (const Span& span : batch.spans) {
      if (read_pipeline_run_span(span, run)) on_pipeline_run_(run);
    }
  }
  next_.consume(batch);
}

}  // namespace pipetrace::serve
