// The batching queue and its sender thread.
#include "sinks/batching_span_sink.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace pipetrace {

BatchingSpanSink::BatchingSpanSink(std::unique_ptr<SpanExporter> exporter, BatchingOptions options)
    : exporter_(std::move(exporter)), options_(options) {
  if (options_.max_queue_size == 0) options_.max_queue_size = 1;
  if (options_.max_batch == 0) options_.max_batch = 1;
  sender_ = std::thread([this] { run(); });
}

BatchingSpanSink::~BatchingSpanSink() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  sender_.join();
  std::lock_guard lock(mutex_);
  log_drops(std::chrono::steady_clock::time_point::max());
}

void BatchingSpanSink::consume(const SpanBatch& batch) {
  if (batch.spans.empty()) return;
  const auto resource = std::make_shared<const Resource>(batch.resource);
  const auto now = std::chrono::steady_clock::now();
  bool wake_sender = false;
  {
    std::lock_guard lock(mutex_);
    const bool was_empty = queue_.empty();
    for (const Span& span : batch.spans) {
      queue_.push_back(QueuedSpan{resource, span, now});
      ++counters_.enqueued;
      if (queue_.size() > options_.max_queue_size) {
        queue_.pop_front();  // the oldest goes: recent spans are what an operator looks for first
        ++counters_.dropped;
        ++dropped_since_log_;
      }
    }
    log_drops(now);
    // The sender sleeps without a deadline while the queue is empty: wake it
    // to start the schedule delay, or at once for a full batch.
    wake_sender = was_empty || queue_.size() >= options_.max_batch;
  }
  if (wake_sender) work_ready_.notify_one();
}

void BatchingSpanSink::log_drops(std::chrono::steady_clock::time_point now) {
  if (dropped_since_log_ == 0) return;
  if (last_drop_log_ != std::chrono::steady_clock::time_point{} && now - last_drop_log_ < options_.drop_log_interval) {
    return;
  }
  spdlog::warn("export queue full ({} spans): dropped the {} oldest spans since the last report, {} in all; {} is "
               "slower than spans arrive or unreachable",
               options_.max_queue_size, dropped_since_log_, counters_.dropped, exporter_->describe());
  dropped_since_log_ = 0;
  last_drop_log_ = now;
}

void BatchingSpanSink::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t generation = ++flush_requested_;
  work_ready_.notify_all();
  idle_.wait(lock, [&] { return flush_done_ >= generation; });
}

BatchingCounters BatchingSpanSink::counters() const {
  std::lock_guard lock(mutex_);
  BatchingCounters out = counters_;
  out.queue_depth = queue_.size();
  return out;
}

std::vector<SpanBatch> BatchingSpanSink::take_batch(std::size_t& span_count) {
  std::vector<SpanBatch> batches;
  std::shared_ptr<const Resource> last_seen;  // held, so that its address cannot be reused meanwhile
  span_count = 0;
  while (!queue_.empty() && span_count < options_.max_batch) {
    QueuedSpan& next = queue_.front();
    // Consecutive spans of one resource travel under one ResourceSpans.
    if (batches.empty() || (last_seen != next.resource && !(batches.back().resource == *next.resource))) {
      batches.push_back(SpanBatch{*next.resource, {}});
    }
    last_seen = next.resource;
    batches.back().spans.push_back(std::move(next.span));
    queue_.pop_front();
    ++span_count;
  }
  return batches;
}

void BatchingSpanSink::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    const bool draining = stopping_ || flush_requested_ > flush_done_;
    const auto now = std::chrono::steady_clock::now();
    const bool due = !queue_.empty() && (queue_.size() >= options_.max_batch || draining ||
                                         now - queue_.front().arrived >= options_.schedule_delay);
    if (due) {
      std::size_t span_count = 0;
      const std::vector<SpanBatch> batches = take_batch(span_count);
      lock.unlock();
      ExportResult result;
      try {
        result = exporter_->export_spans(batches);
      } catch (const std::exception& e) {
        result = ExportResult{ExportStatus::PermanentFailure, e.what(), 0, 0};
        spdlog::error("exporting {} spans to {} failed: {}", span_count, exporter_->describe(), e.what());
      }
      lock.lock();
      ++counters_.exports;
      if (result.sent()) {
        counters_.exported += span_count;
        counters_.rejected += static_cast<std::uint64_t>(std::max<std::int64_t>(0, result.rejected_spans));
      } else {
        counters_.failed += span_count;
      }
      // Shutting down with the collector unreachable: one export has used up
      // its retries, so going through them again for every remaining batch
      // would only hold up the shutdown.
      if (stopping_ && result.status == ExportStatus::RetryableFailure && !queue_.empty()) {
        spdlog::error("{} is unreachable while shutting down: {} queued spans are not sent", exporter_->describe(),
                      queue_.size());
        counters_.failed += queue_.size();
        queue_.clear();
      }
      continue;
    }
    if (queue_.empty()) {
      if (flush_requested_ > flush_done_) {
        flush_done_ = flush_requested_;
        idle_.notify_all();
      }
      if (stopping_) return;
      work_ready_.wait(lock);
    } else {
      work_ready_.wait_until(lock, queue_.front().arrived + options_.schedule_delay);
    }
  }
}

}  // namespace pipetrace
