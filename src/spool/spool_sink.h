// A SpanSink in front of one exporter that loses nothing: each span is
// appended to the exporter's on-disk spool (SegmentLog) before anything is
// sent, and a sender thread exports the oldest pending spans in batches,
// acknowledging them in the spool only once the collector took them. While
// the collector is unreachable spans wait on disk (up to the size cap);
// when it returns they drain at a bounded rate. After a crash the spool is
// recovered on open and what was not acknowledged is sent.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "sinks/export_retry.h"
#include "sinks/span_exporter.h"
#include "sinks/span_sink.h"
#include "spool/drain_rate_limiter.h"
#include "spool/segment_log.h"
#include "spool/spool_options.h"
#include "spool/wait_interrupter.h"

namespace pipetrace::spool {

struct SpoolCounters {
  SegmentLogStats log;            // records appended, acknowledged, dropped, recovered, pending, bytes
  std::uint64_t exported = 0;     // spans the collector took (partial rejections included)
  std::uint64_t rejected = 0;     // spans the collector reported rejected in a partial success
  std::uint64_t failed = 0;       // spans the collector refused for good (acknowledged, not resent)
  std::uint64_t unreadable = 0;   // records that could not be read back or decoded
  std::uint64_t append_errors = 0;  // spans the disk refused
  std::uint64_t exports = 0;      // export calls made
};

class SpoolSink final : public SpanSink {
 public:
  // `interrupter`, when given, is the one the exporter's retry sleeps on, so
  // that destruction cuts those sleeps short.
  SpoolSink(std::unique_ptr<SpanExporter> exporter, SpoolOptions options,
            std::shared_ptr<WaitInterrupter> interrupter = nullptr);
  // Stops the sender; what is not sent stays in the spool for the next start.
  ~SpoolSink() override;
  SpoolSink(const SpoolSink&) = delete;
  SpoolSink& operator=(const SpoolSink&) = delete;

  // Recovers the spool and starts the sender. Empty on success, else why.
  std::string open();

  // Appends the batch's spans; false when the disk refused them (logged).
  bool append(const SpanBatch& batch);
  void consume(const SpanBatch& batch) override { append(batch); }
  // Sends what was appended before the call; returns once it is sent, or an
  // export round failed (it then stays in the spool), or the sender stopped.
  void flush() override;

  SpoolCounters counters() const;
  const SpanExporter& exporter() const { return *exporter_; }
  const SpoolOptions& options() const { return options_; }

 private:
  void run();
  // Exports one batch of pending spans; false when the round failed.
  bool send_batch(std::unique_lock<std::mutex>& lock, std::size_t max_spans);

  const std::unique_ptr<SpanExporter> exporter_;
  const SpoolOptions options_;
  const std::shared_ptr<WaitInterrupter> interrupter_;
  SegmentLog log_;
  DrainRateLimiter limiter_;
  RetryPolicy round_policy_;  // waits between failed export rounds
  Backoff round_backoff_;

  mutable std::mutex mutex_;  // everything below
  std::condition_variable work_ready_;
  std::condition_variable idle_;
  bool stopping_ = false;
  std::atomic<bool> opened_{false};
  std::uint64_t flush_requested_ = 0;
  std::uint64_t flush_done_ = 0;
  std::chrono::steady_clock::time_point first_pending_since_{};
  std::chrono::steady_clock::time_point retry_at_{};
  int failed_rounds_ = 0;
  SpoolCounters counters_;

  std::thread sender_;
};

}  // namespace pipetrace::spool
