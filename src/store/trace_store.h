// The embedded trace store: spans in a SQLite database under a data
// directory, keyed by (trace ID, span ID), with a summary row per trace and
// the queries the UI, the JSON API and `pipetrace analyze` need.
//
// Thread-safe: one connection guarded by a mutex. Several processes may open
// the same directory (a sink writing, `pipetrace ui` reading): WAL mode lets
// readers and the writer proceed together.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "model/clock.h"
#include "model/span.h"
#include "store/sqlite_db.h"
#include "store/store_options.h"
#include "store/store_result.h"
#include "store/trace_records.h"

namespace pipetrace {

class TraceStore {
 public:
  // Creates the directory and the database when missing. `clock` (which must
  // outlive the store; null: the system clock) stamps when traces are written.
  static StoreResult<std::unique_ptr<TraceStore>> open(const StoreOptions& options, const Clock* clock = nullptr);

  // Inserts or replaces each span by (trace ID, span ID) and refreshes the
  // summaries of the traces touched, in one transaction. Storing the same
  // span twice changes nothing; a finished span replaces its in-progress
  // snapshot, but a late in-progress snapshot never replaces a finished span.
  StoreStatus put(const SpanBatch& batch);

  StoreResult<TracePage> list_traces(const TraceFilter& filter);
  // nullopt when the store has no span of that trace.
  StoreResult<std::optional<TraceDetail>> get_trace(const std::string& trace_id_hex);
  // Per pipeline, runs starting at or after `since` (all when nullopt), by name.
  StoreResult<std::vector<PipelineStats>> pipeline_stats(std::optional<TimeNs> since = std::nullopt);
  // The last `max_runs` runs of one pipeline with their slowest tasks and
  // steps; nullopt when no span names that pipeline.
  StoreResult<std::optional<PipelineDetail>> pipeline_detail(const std::string& name, int max_runs = 50);

  // Deletes traces last written before now - max_age, then the oldest traces
  // (by start) until the database's used size is within max_bytes. Age
  // counts from the write, not from the spans' own times, so that a replay
  // of an old recording stays for the full age.
  StoreResult<RetentionReport> enforce_retention(TimeNs now);
  // Bytes of the database in use (pages minus free pages).
  StoreResult<std::int64_t> used_bytes();

  const StoreOptions& options() const { return options_; }

 private:
  TraceStore(StoreOptions options, SqliteDb db, const Clock* clock);
  StoreStatus put_span(const Span& span, const Resource& resource, const std::string& resource_json);
  StoreStatus refresh_summary(const std::string& trace_id, TimeNs stored_at);
  StoreStatus delete_traces(const std::vector<std::string>& trace_ids);
  StoreResult<std::int64_t> used_bytes_locked();
  StoreResult<std::vector<PipelineRun>> pipeline_runs_locked(const std::string* name, std::optional<TimeNs> since);

  StoreOptions options_;
  SystemClock system_clock_;
  const Clock* clock_;
  std::mutex mutex_;
  SqliteDb db_;
  SqliteStatement upsert_span_;
  SqliteStatement select_summary_rows_;
  SqliteStatement upsert_summary_;
  SqliteStatement delete_runs_;
  SqliteStatement insert_run_;
};

}  // namespace pipetrace
