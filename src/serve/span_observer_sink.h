// A sink in front of the real ones that looks at each emitted span on its way
// out: finished PipelineRun spans feed the run-duration histogram and, when
// annotation is on, the write-back of their span context.
#pragma once

#include <functional>

#include "sinks/span_sink.h"

namespace pipetrace::serve {

// What a PipelineRun span says about its run.
struct PipelineRunSpan {
  std::string pipeline;
  std::string result;  // cicd.pipeline.result, "unknown" when absent
  std::string ns;
  std::string name;  // the PipelineRun object's name
  double seconds = 0;
  const Span* span = nullptr;
};

class SpanObserverSink final : public SpanSink {
 public:
  using PipelineRunHandler = std::function<void(const PipelineRunSpan&)>;

  SpanObserverSink(SpanSink& next, PipelineRunHandler on_pipeline_run)
      : next_(next), on_pipeline_run_(std::move(on_pipeline_run)) {}

  void consume(const SpanBatch& batch) override;
  void flush() override { next_.flush(); }

 private:
  SpanSink& next_;
  PipelineRunHandler on_pipeline_run_;
};

// Reads a PipelineRun span; false for any other span or one not finished.
bool read_pipeline_run_span(const Span& span, PipelineRunSpan& out);

}  // namespace pipetrace::serve
