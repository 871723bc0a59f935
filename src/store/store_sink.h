// The embedded store as a span sink: `-o store:DIR` and the default sink of
// `serve`. Writes each batch in one transaction and enforces retention as
// spans keep arriving.
#pragma once

#include <memory>
#include <string>

#include "model/clock.h"
#include "sinks/span_sink.h"
#include "store/trace_store.h"

namespace pipetrace {

class StoreSink final : public SpanSink {
 public:
  // Opens (creating if needed) the store under data_dir with default
  // retention. Check ok() afterwards: a sink cannot throw at the edge.
  explicit StoreSink(const std::string& data_dir);
  // `clock` must outlive the sink; it decides when retention runs and what "old" means.
  StoreSink(const StoreOptions& options, const Clock& clock);

  // Empty when the store opened, else why it did not.
  const std::string& open_error() const { return open_error_; }
  bool ok() const { return store_ != nullptr; }

  void consume(const SpanBatch& batch) override;
  void flush() override;

  // Spans the sink could not store (logged as they happen).
  std::int64_t failed_spans() const { return failed_spans_; }
  // The underlying store, to query what was written (null when it did not open).
  TraceStore* store() { return store_.get(); }

 private:
  // `clock` null: the sink's own system clock.
  StoreSink(const StoreOptions& options, const Clock* clock);
  void maybe_enforce_retention(bool force);

  SystemClock system_clock_;
  const Clock& clock_;
  std::unique_ptr<TraceStore> store_;
  std::string open_error_;
  TimeNs last_retention_ = 0;
  std::int64_t failed_spans_ = 0;
};

}  // namespace pipetrace
