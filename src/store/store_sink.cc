// StoreSink: the span sink over the embedded trace store (see store_sink.h).
#include "store/store_sink.h"

#include <spdlog/spdlog.h>

namespace pipetrace {
namespace {

StoreOptions default_options(const std::string& data_dir) {
  StoreOptions options;
  options.data_dir = data_dir;
  return options;
}

}  // namespace

StoreSink::StoreSink(const std::string& data_dir) : StoreSink(default_options(data_dir), nullptr) {}

StoreSink::StoreSink(const StoreOptions& options, const Clock& clock) : StoreSink(options, &clock) {}

// system_clock_ is declared before clock_, so it exists by the time clock_
// refers to it; naming it in the public constructor's delegation would bind
// a reference to a member not yet constructed.
StoreSink::StoreSink(const StoreOptions& options, const Clock* clock)
    : clock_(clock != nullptr ? *clock : static_cast<const Clock&>(system_clock_)) {
  auto opened = TraceStore::open(options, &clock_);
  if (!opened) {
    open_error_ = opened.error();
    spdlog::error("store: {}; spans sent to this store will be dropped", open_error_);
    return;
  }
  store_ = std::move(*opened);
  last_retention_ = clock_.now();
  // Trim right away: a store reopened after a long pause may be over its limits.
  maybe_enforce_retention(true);
}

void StoreSink::consume(const SpanBatch& batch) {
  if (!store_) {
    failed_spans_ += static_cast<std::int64_t>(batch.spans.size());
    return;
  }
  if (auto s = store_->put(batch); !s) {
    failed_spans_ += static_cast<std::int64_t>(batch.spans.size());
    spdlog::error("store: dropped a batch of {} spans: {}", batch.spans.size(), s.error);
  }
  maybe_enforce_retention(false);
}

void StoreSink::flush() { maybe_enforce_retention(true); }

void StoreSink::maybe_enforce_retention(bool force) {
  if (!store_) return;
  const TimeNs now = clock_.now();
  const TimeNs interval = static_cast<TimeNs>(store_->options().retention_interval.count()) * 1'000'000'000;
  if (!force && now - last_retention_ < interval) return;
  last_retention_ = now;
  if (auto report = store_->enforce_retention(now); !report) {
    spdlog::warn("store: retention failed, will retry in {}s: {}", store_->options().retention_interval.count(),
                 report.error());
  }
}

}  // namespace pipetrace
