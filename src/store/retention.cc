// Retention of the trace store: by age, then by size, whole traces at a time
// (a half-deleted trace would show a misleading waterfall).
#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "store/trace_store.h"

namespace pipetrace {
namespace {

// Size retention frees down to this fraction of the limit, so that a store
// at its limit is not trimmed again on every pass.
constexpr double kSizeLowWater = 0.9;
constexpr int kMaxSizePasses = 8;

}  // namespace

StoreResult<std::int64_t> TraceStore::used_bytes() {
  std::lock_guard lock(mutex_);
  return used_bytes_locked();
}

StoreResult<std::int64_t> TraceStore::used_bytes_locked() {
  auto pages = db_.query_int("PRAGMA page_count");
  auto free_pages = db_.query_int("PRAGMA freelist_count");
  auto page_size = db_.query_int("PRAGMA page_size");
  for (const auto* r : {&pages, &free_pages, &page_size}) {
    if (!*r) return StoreResult<std::int64_t>::failure(fmt::format("cannot measure {}: {}", db_.path(), r->error()));
  }
  return (*pages - *free_pages) * *page_size;
}

StoreStatus TraceStore::delete_traces(const std::vector<std::string>& trace_ids) {
  if (trace_ids.empty()) return {};
  SqliteTransaction tx(db_);
  if (!tx.begun()) return tx.begun();
  auto spans = db_.prepare("DELETE FROM spans WHERE trace_id = ?1");
  auto traces = db_.prepare("DELETE FROM traces WHERE trace_id = ?1");
  auto runs = db_.prepare("DELETE FROM pipeline_runs WHERE trace_id = ?1");
  if (!spans.valid() || !traces.valid() || !runs.valid()) return {db_.last_error()};
  for (const auto& id : trace_ids) {
    for (auto* st : {&spans, &traces, &runs}) {
      if (auto s = st->bind(1, id).run(); !s) return s;
    }
  }
  return tx.commit();
}

StoreResult<RetentionReport> TraceStore::enforce_retention(TimeNs now) {
  using Result = StoreResult<RetentionReport>;
  std::lock_guard lock(mutex_);
  RetentionReport report;
  auto before = used_bytes_locked();
  if (!before) return Result::failure(before.error());
  report.bytes_before = *before;

  if (options_.max_age.count() > 0) {
    const TimeNs cutoff = now - static_cast<TimeNs>(options_.max_age.count()) * 1'000'000'000;
    auto q = db_.prepare("SELECT trace_id FROM traces WHERE stored_ns < ?1");
    std::vector<std::string> old;
    q.bind(1, static_cast<std::int64_t>(cutoff));
    while (q.step()) old.push_back(q.column_text(0));
    if (!q.error().empty()) return Result::failure("cannot find old traces: " + q.error());
    if (auto s = delete_traces(old); !s) return Result::failure("cannot delete old traces: " + s.error);
    report.traces_deleted_by_age = static_cast<std::int64_t>(old.size());
  }

  if (options_.max_bytes > 0) {
    for (int pass = 0; pass < kMaxSizePasses; ++pass) {
      auto used = used_bytes_locked();
      if (!used) return Result::failure(used.error());
      if (*used <= options_.max_bytes) break;
      auto estimated = db_.query_int("SELECT coalesce(sum(stored_bytes), 0) FROM traces");
      if (!estimated) return Result::failure(estimated.error());
      if (*estimated <= 0) break;
      // The per-span estimate ignores page slack and index pages; scale it by
      // what the file really uses so one pass removes about the right amount.
      const double scale = static_cast<double>(*used) / static_cast<double>(*estimated);
      const double to_free = static_cast<double>(*used) - kSizeLowWater * static_cast<double>(options_.max_bytes);

      auto q = db_.prepare("SELECT trace_id, stored_bytes FROM traces ORDER BY start_ns, trace_id");
      std::vector<std::string> victims;
      double freed = 0;
      while (freed < to_free && q.step()) {
        victims.push_back(q.column_text(0));
        freed += static_cast<double>(q.column_int(1)) * scale;
      }
      if (!q.error().empty()) return Result::failure("cannot find the oldest traces: " + q.error());
      q = SqliteStatement();  // release the read cursor before writing
      if (victims.empty()) break;
      if (auto s = delete_traces(victims); !s) return Result::failure("cannot delete the oldest traces: " + s.error);
      report.traces_deleted_by_size += static_cast<std::int64_t>(victims.size());
    }
  }

  if (report.traces_deleted_by_age + report.traces_deleted_by_size > 0) {
    // Give the freed pages back to the file system and fold the WAL into the
    // database, so that the directory really shrinks.
    db_.exec("PRAGMA incremental_vacuum");
    db_.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    spdlog::info("store: retention removed {} traces older than {}s and {} traces over the {} byte limit",
                 report.traces_deleted_by_age, options_.max_age.count(), report.traces_deleted_by_size,
                 options_.max_bytes);
  }
  auto after = used_bytes_locked();
  if (!after) return Result::failure(after.error());
  report.bytes_after = *after;
  return report;
}

}  // namespace pipetrace
