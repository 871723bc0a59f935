// A SpanSink in front of an exporter: spans wait in a bounded queue and a
// background thread sends them in batches of at most max_batch, when a batch
// is full or schedule_delay after the oldest waiting span arrived. When the
// queue is full the oldest span is dropped and counted (back-pressure is
// logged at most once per log_interval): the tracer is never blocked by a
// slow or absent collector and memory stays bounded.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "sinks/span_exporter.h"
#include "sinks/span_sink.h"

namespace pipetrace {

struct BatchingOptions {
  std::size_t max_queue_size = 2048;                   // spans held at most (OTEL_BSP_MAX_QUEUE_SIZE's default)
  std::size_t max_batch = 512;                         // spans per export at most (OTEL_BSP_MAX_EXPORT_BATCH_SIZE)
  std::chrono::milliseconds schedule_delay{5000};      // longest wait of a span before its batch is sent
  std::chrono::milliseconds drop_log_interval{10'000}; // at most one "queue full" log line per interval
};

struct BatchingCounters {
  std::uint64_t enqueued = 0;     // spans accepted by consume()
  std::uint64_t exported = 0;     // spans in exports that were sent (partial rejections included)
  std::uint64_t rejected = 0;     // spans the collector reported rejected in a partial success
  std::uint64_t failed = 0;       // spans in exports that failed (retries exhausted or refused)
  std::uint64_t dropped = 0;      // spans pushed out of a full queue
  std::uint64_t queue_depth = 0;  // spans waiting now
  std::uint64_t exports = 0;      // export calls made
};

class BatchingSpanSink final : public SpanSink {
 public:
  BatchingSpanSink(std::unique_ptr<SpanExporter> exporter, BatchingOptions options = {});
  // Sends everything still queued, then stops the thread. If an export fails
  // with a retryable failure meanwhile (retries used up), the rest is counted
  // as failed instead of retried batch after batch.
  ~BatchingSpanSink() override;
  BatchingSpanSink(const BatchingSpanSink&) = delete;
  BatchingSpanSink& operator=(const BatchingSpanSink&) = delete;

  // Never blocks on the exporter.
  void consume(const SpanBatch& batch) override;
  // Sends everything queued before the call and waits until it is sent or
  // has failed.
  void flush() override;

  BatchingCounters counters() const;
  const SpanExporter& exporter() const { return *exporter_; }

 private:
  struct QueuedSpan {
    std::shared_ptr<const Resource> resource;
    Span span;
    std::chrono::steady_clock::time_point arrived;
  };

  void run();
  void log_drops(std::chrono::steady_clock::time_point now);
  std::vector<SpanBatch> take_batch(std::size_t& span_count);

  const std::unique_ptr<SpanExporter> exporter_;
  BatchingOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable work_ready_;  // wakes the sender
  std::condition_variable idle_;        // wakes flush() callers
  std::deque<QueuedSpan> queue_;
  std::uint64_t flush_requested_ = 0;  // flush generations asked for ...
  std::uint64_t flush_done_ = 0;       // ... and completed
  bool stopping_ = false;
  BatchingCounters counters_;
  std::uint64_t dropped_since_log_ = 0;
  std::chrono::steady_clock::time_point last_drop_log_{};

  std::thread sender_;  // last: starts after everything above is ready
};

}  // namespace pipetrace
