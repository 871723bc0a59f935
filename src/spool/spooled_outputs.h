// The spooled side of `serve`'s outputs: one SpoolSink per OTLP exporter,
// behind a filter that drops spans already spooled (before a restart, or
// earlier in this run), so that the relist after a restart, which makes the
// tracer emit finished resources again, sends nothing twice. A span first
// spooled as an in-progress snapshot (a graceful shutdown's flush) still
// goes once more when it is complete: that is its replacement.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "model/clock.h"
#include "sinks/span_sink.h"
#include "spool/emitted_span_index.h"
#include "spool/spool_sink.h"

namespace pipetrace::spool {

class SpooledOutputs final : public SpanSink {
 public:
  SpooledOutputs(std::unique_ptr<EmittedSpanIndex> index, std::vector<std::unique_ptr<SpoolSink>> spools,
                 const Clock& clock);

  void consume(const SpanBatch& batch) override;
  void flush() override;

  const std::vector<std::unique_ptr<SpoolSink>>& spools() const { return spools_; }
  // Spans not spooled because they were already.
  std::uint64_t duplicates_skipped() const { return duplicates_skipped_.load(); }

 private:
  std::unique_ptr<EmittedSpanIndex> index_;
  std::vector<std::unique_ptr<SpoolSink>> spools_;
  const Clock& clock_;
  std::atomic<std::uint64_t> duplicates_skipped_{0};
};

// True unless the span says it is an in-progress snapshot.
bool is_complete(const Span& span);

}  // namespace pipetrace::spool
