// See spool_sink.h.
#include "spool/spool_sink.h"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "spool/span_payload.h"

namespace pipetrace::spool {
namespace {

RetryPolicy round_policy_for(const SpoolOptions& options) {
  RetryPolicy policy;
  policy.initial_backoff = options.retry_initial;
  policy.max_backoff = std::max(options.retry_initial, options.retry_max);
  return policy;
}

}  // namespace

SpoolSink::SpoolSink(std::unique_ptr<SpanExporter> exporter, SpoolOptions options,
                     std::shared_ptr<WaitInterrupter> interrupter)
    : exporter_(std::move(exporter)),
      options_(std::move(options)),
      interrupter_(std::move(interrupter)),
      log_(options_),
      limiter_(options_.drain_rate),
      round_policy_(round_policy_for(options_)),
      round_backoff_(round_policy_, 0x5eed5eedULL) {}

SpoolSink::~SpoolSink() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  if (interrupter_) interrupter_->interrupt();
  work_ready_.notify_all();
  if (sender_.joinable()) sender_.join();
  const std::uint64_t left = log_.pending();
  if (left > 0) {
    spdlog::info("spool: {} spans for {} stay in {} and are sent after the next start", left, exporter_->describe(),
                 log_.directory());
  }
}

std::string SpoolSink::open() {
  if (std::string error = log_.open(); !error.empty()) return error;
  {
    std::lock_guard lock(mutex_);
    opened_ = true;
    first_pending_since_ = {};  // recovered spans are overdue already
  }
  sender_ = std::thread([this] { run(); });
  return "";
}

bool SpoolSink::append(const SpanBatch& batch) {
  if (batch.spans.empty()) return true;
  std::vector<std::string> payloads;
  payloads.reserve(batch.spans.size());
  for (const Span& span : batch.spans) payloads.push_back(encode_span_payload(batch.resource, span));
  const bool was_empty = log_.pending() == 0;
  std::string error;
  const bool ok = opened_ && log_.append(payloads, error);
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (!ok) {
      counters_.append_errors += payloads.size();
      spdlog::error("spool: {} spans for {} could not be written and are lost: {}", payloads.size(),
                    exporter_->describe(), opened_ ? error : "the spool is not open");
      return false;
    }
    if (was_empty) first_pending_since_ = std::chrono::steady_clock::now();
    wake = was_empty || log_.pending() >= options_.max_batch;
  }
  if (wake) work_ready_.notify_one();
  return true;
}

void SpoolSink::flush() {
  std::unique_lock lock(mutex_);
  if (!opened_ || stopping_) return;
  const std::uint64_t generation = ++flush_requested_;
  work_ready_.notify_all();
  idle_.wait(lock, [&] { return flush_done_ >= generation || stopping_; });
}

SpoolCounters SpoolSink::counters() const {
  std::lock_guard lock(mutex_);
  SpoolCounters out = counters_;
  out.log = log_.stats();
  return out;
}

void SpoolSink::run() {
  std::unique_lock lock(mutex_);
  auto release_flushers = [&] {
    if (flush_requested_ > flush_done_) {
      flush_done_ = flush_requested_;
      idle_.notify_all();
    }
  };
  while (!stopping_) {
    const auto now = std::chrono::steady_clock::now();
    const std::uint64_t pending = log_.pending();
    const bool flushing = flush_requested_ > flush_done_;
    if (pending == 0) {
      release_flushers();
      work_ready_.wait(lock);
      continue;
    }
    if (now < retry_at_) {
      // The collector is away: a flush cannot be waited for; the spans are
      // safe on disk and go when it is back.
      release_flushers();
      work_ready_.wait_until(lock, retry_at_);
      continue;
    }
    const bool due = pending >= options_.max_batch || flushing || now - first_pending_since_ >= options_.schedule_delay;
    if (!due) {
      work_ready_.wait_until(lock, first_pending_since_ + options_.schedule_delay);
      continue;
    }
    const std::size_t spans = limiter_.largest_batch(std::min<std::uint64_t>(pending, options_.max_batch));
    const auto allowed_at = limiter_.reserve(spans, now);
    if (allowed_at > now) {
      work_ready_.wait_until(lock, allowed_at);
      continue;
    }
    if (!send_batch(lock, spans)) release_flushers();
  }
  release_flushers();
}

bool SpoolSink::send_batch(std::unique_lock<std::mutex>& lock, std::size_t max_spans) {
  const auto started = std::chrono::steady_clock::now();
  const std::vector<RecordPosition> records = log_.peek(max_spans);
  if (records.empty()) return true;
  lock.unlock();
  const std::vector<std::string> payloads = log_.read(records);
  std::vector<std::pair<Resource, Span>> spans;
  std::uint64_t unreadable = 0;
  for (const std::string& payload : payloads) {
    Resource resource;
    Span span;
    if (payload.empty() || !decode_span_payload(payload, resource, span)) {
      ++unreadable;
      continue;
    }
    spans.emplace_back(std::move(resource), std::move(span));
  }
  if (unreadable > 0) {
    spdlog::error("spool: {} records in {} could not be read back (the segment was dropped or damaged); skipped",
                  unreadable, log_.directory());
  }
  const std::size_t span_count = spans.size();
  ExportResult result;
  if (span_count > 0) {
    const std::vector<SpanBatch> batches = group_by_resource(std::move(spans));
    try {
      result = exporter_->export_spans(batches);
    } catch (const std::exception& e) {
      result = ExportResult{ExportStatus::RetryableFailure, e.what(), 0, 0};
    }
  }
  lock.lock();
  counters_.unreadable += unreadable;
  if (span_count > 0) ++counters_.exports;
  if (result.status == ExportStatus::RetryableFailure) {
    ++failed_rounds_;
    const std::chrono::milliseconds wait = round_backoff_.delay(failed_rounds_);
    retry_at_ = std::chrono::steady_clock::now() + wait;
    if (failed_rounds_ == 1) {
      spdlog::warn("spool: cannot deliver to {} ({}); {} spans wait in {} and are retried until it takes them",
                   exporter_->describe(), result.message, log_.pending(), log_.directory());
    }
    return false;
  }
  if (failed_rounds_ > 0) {
    spdlog::info("spool: {} takes spans again after {} failed rounds; draining the {} waiting{}",
                 exporter_->describe(), failed_rounds_, log_.pending(),
                 options_.drain_rate > 0 ? fmt::format(" at {} spans/s at most", options_.drain_rate) : "");
    failed_rounds_ = 0;
  }
  retry_at_ = {};
  if (result.status == ExportStatus::PermanentFailure) {
    counters_.failed += span_count;
    spdlog::error("spool: {} refused {} spans for good ({}); they are removed from the spool",
                  exporter_->describe(), span_count, result.message);
  } else {
    counters_.exported += span_count;
    counters_.rejected += static_cast<std::uint64_t>(std::max<std::int64_t>(0, result.rejected_spans));
  }
  log_.acknowledge(records.back());
  if (log_.pending() > 0) first_pending_since_ = started;
  return true;
}

}  // namespace pipetrace::spool
