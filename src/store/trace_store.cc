// Opening the store and writing spans into it (see trace_store.h).
#include "store/trace_store.h"

#include <filesystem>
#include <set>
#include <system_error>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "store/span_json.h"
#include "store/store_schema.h"
#include "store/trace_summary.h"

namespace pipetrace {
namespace {

constexpr const char* kUpsertSpan = R"sql(
INSERT INTO spans (trace_id, span_id, parent_span_id, name, kind, start_ns, end_ns, duration_ns,
                   status, status_message, in_progress, repository, pipeline, run_id, task,
                   change_id, commit_sha, branch, result, trace_state, attributes, events, links,
                   resource, stored_bytes)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
        ?21, ?22, ?23, ?24, ?25)
ON CONFLICT (trace_id, span_id) DO UPDATE SET
  parent_span_id = excluded.parent_span_id, name = excluded.name, kind = excluded.kind,
  start_ns = excluded.start_ns, end_ns = excluded.end_ns, duration_ns = excluded.duration_ns,
  status = excluded.status, status_message = excluded.status_message,
  in_progress = excluded.in_progress, repository = excluded.repository,
  pipeline = excluded.pipeline, run_id = excluded.run_id, task = excluded.task,
  change_id = excluded.change_id, commit_sha = excluded.commit_sha, branch = excluded.branch,
  result = excluded.result, trace_state = excluded.trace_state,
  attributes = excluded.attributes, events = excluded.events, links = excluded.links,
  resource = excluded.resource, stored_bytes = excluded.stored_bytes
-- Snapshots can arrive late (a retried batch, a replay): never let one undo
-- the finished span that already replaced it.
WHERE excluded.in_progress = 0 OR spans.in_progress = 1
)sql";

constexpr const char* kSelectSummaryRows = R"sql(
SELECT span_id, parent_span_id, name, start_ns, end_ns, status, in_progress, repository,
       pipeline, run_id, change_id, commit_sha, branch, result, stored_bytes
FROM spans WHERE trace_id = ?1
)sql";

constexpr const char* kDeleteRuns = "DELETE FROM pipeline_runs WHERE trace_id = ?1";
constexpr const char* kInsertRun = R"sql(
INSERT INTO pipeline_runs (trace_id, span_id, pipeline, run_id, repository, start_ns, end_ns, result, in_progress)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
)sql";

constexpr const char* kUpsertSummary = R"sql(
INSERT OR REPLACE INTO traces (trace_id, root_span_id, root_name, repository, pipeline, run_id,
                               change_id, commit_sha, branch, result, start_ns, end_ns, span_count,
                               error_count, in_progress_count, stored_bytes, stored_ns)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
)sql";

std::string value_text(const AttributeValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  return fmt::format("{}", std::get<double>(value));
}

// The span's own attribute wins over the resource's: the convention puts
// pipeline-wide attributes (repository, commit) on either.
std::string indexed_attribute(const Span& span, const Resource& resource, std::string_view key) {
  if (const auto* v = span.find_attribute(key)) return value_text(*v);
  for (const auto& a : resource.attributes) {
    if (a.key == key) return value_text(a.value);
  }
  return {};
}

bool is_in_progress(const Span& span) {
  if (const auto* v = span.find_attribute(semconv::kInProgress)) {
    if (const auto* b = std::get_if<bool>(v); b != nullptr && *b) return true;
  }
  return span.end == 0 || span.end < span.start;
}

}  // namespace

TraceStore::TraceStore(StoreOptions options, SqliteDb db, const Clock* clock)
    : options_(std::move(options)), clock_(clock != nullptr ? clock : &system_clock_), db_(std::move(db)) {}

StoreResult<std::unique_ptr<TraceStore>> TraceStore::open(const StoreOptions& options, const Clock* clock) {
  using Result = StoreResult<std::unique_ptr<TraceStore>>;
  if (auto problem = options.validate(); !problem.empty()) return Result::failure(problem);
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) return Result::failure(fmt::format("cannot create data directory {}: {}", options.data_dir, ec.message()));

  auto db = SqliteDb::open(options.database_path());
  if (!db) return Result::failure(db.error());
  if (auto s = apply_store_schema(*db); !s) {
    return Result::failure(fmt::format("cannot prepare the store in {}: {}", options.data_dir, s.error));
  }
  std::unique_ptr<TraceStore> store(new TraceStore(options, std::move(*db), clock));
  store->upsert_span_ = store->db_.prepare(kUpsertSpan);
  store->select_summary_rows_ = store->db_.prepare(kSelectSummaryRows);
  store->upsert_summary_ = store->db_.prepare(kUpsertSummary);
  store->delete_runs_ = store->db_.prepare(kDeleteRuns);
  store->insert_run_ = store->db_.prepare(kInsertRun);
  if (!store->upsert_span_.valid() || !store->select_summary_rows_.valid() || !store->upsert_summary_.valid() ||
      !store->delete_runs_.valid() || !store->insert_run_.valid()) {
    return Result::failure(fmt::format("cannot prepare statements on {}: {}", options.database_path(),
                                       store->db_.last_error()));
  }
  return Result(std::move(store));
}

StoreStatus TraceStore::put(const SpanBatch& batch) {
  if (batch.spans.empty()) return {};
  std::lock_guard lock(mutex_);
  const std::string resource_json = attributes_to_json(batch.resource.attributes).dump();
  SqliteTransaction tx(db_);
  if (!tx.begun()) return tx.begun();
  std::set<std::string> touched;
  for (const auto& span : batch.spans) {
    if (span.trace_id.empty() || span.span_id.empty()) {
      spdlog::warn("store: skipped span \"{}\" without a trace or span ID", span.name);
      continue;
    }
    if (auto s = put_span(span, batch.resource, resource_json); !s) return s;
    touched.insert(span.trace_id.hex());
  }
  const TimeNs now = clock_->now();
  for (const auto& trace_id : touched) {
    if (auto s = refresh_summary(trace_id, now); !s) return s;
  }
  return tx.commit();
}

StoreStatus TraceStore::put_span(const Span& span, const Resource& resource, const std::string& resource_json) {
  const bool in_progress = is_in_progress(span);
  const std::string attributes = attributes_to_json(span.attributes).dump();
  const std::string events = events_to_json(span.events).dump();
  const std::string links = links_to_json(span.links).dump();
  // Row overhead and index entries are roughly this size on top of the text.
  constexpr std::int64_t kRowOverhead = 320;
  const auto stored_bytes = static_cast<std::int64_t>(attributes.size() + events.size() + links.size() +
                                                      resource_json.size() + span.name.size()) +
                            kRowOverhead;

  auto& st = upsert_span_;
  st.bind(1, span.trace_id.hex())
      .bind(2, span.span_id.hex())
      .bind(3, span.parent_span_id.empty() ? std::string() : span.parent_span_id.hex())
      .bind(4, std::string_view(span.name))
      .bind(5, static_cast<std::int64_t>(span.kind))
      .bind(6, static_cast<std::int64_t>(span.start));
  // An in-progress snapshot may still say how far it got (the tracer sets the
  // end to when it last saw the resource); only an unknown end is stored as NULL.
  if (span.end == 0 || span.end < span.start) {
    st.bind_null(7).bind_null(8);
  } else {
    st.bind(7, static_cast<std::int64_t>(span.end)).bind(8, static_cast<std::int64_t>(span.end - span.start));
  }
  st.bind(9, static_cast<std::int64_t>(span.status))
      .bind(10, std::string_view(span.status_message))
      .bind(11, std::int64_t{in_progress ? 1 : 0})
      .bind_text_or_null(12, indexed_attribute(span, resource, semconv::kRepository))
      .bind_text_or_null(13, indexed_attribute(span, resource, semconv::kPipelineName))
      .bind_text_or_null(14, indexed_attribute(span, resource, semconv::kPipelineRunId))
      .bind_text_or_null(15, indexed_attribute(span, resource, semconv::kTaskName))
      .bind_text_or_null(16, indexed_attribute(span, resource, semconv::kChange))
      .bind_text_or_null(17, indexed_attribute(span, resource, semconv::kCommit))
      .bind_text_or_null(18, indexed_attribute(span, resource, semconv::kBranch))
      .bind_text_or_null(19, indexed_attribute(span, resource, semconv::kPipelineResult))
      .bind(20, std::string_view(span.trace_state))
      .bind(21, std::string_view(attributes))
      .bind(22, std::string_view(events))
      .bind(23, std::string_view(links))
      .bind(24, std::string_view(resource_json))
      .bind(25, stored_bytes);
  auto status = st.run();
  if (!status) {
    status.error = fmt::format("cannot store span {} of trace {}: {}", span.span_id.hex(), span.trace_id.hex(),
                               status.error);
  }
  return status;
}

StoreStatus TraceStore::refresh_summary(const std::string& trace_id, TimeNs stored_at) {
  std::vector<SummarySpanRow> rows;
  auto& q = select_summary_rows_;
  q.bind(1, std::string_view(trace_id));
  while (q.step()) {
    SummarySpanRow row;
    row.span_id = q.column_text(0);
    row.parent_span_id = q.column_text(1);
    row.name = q.column_text(2);
    row.start = q.column_int(3);
    row.end = q.column_optional_int(4);
    row.status = static_cast<int>(q.column_int(5));
    row.in_progress = q.column_int(6) != 0;
    row.repository = q.column_text(7);
    row.pipeline = q.column_text(8);
    row.run_id = q.column_text(9);
    row.change_id = q.column_text(10);
    row.commit = q.column_text(11);
    row.branch = q.column_text(12);
    row.result = q.column_text(13);
    row.stored_bytes = q.column_int(14);
    rows.push_back(std::move(row));
  }
  std::string error = q.error();
  q.reset();
  if (!error.empty()) return {fmt::format("cannot read spans of trace {}: {}", trace_id, error)};
  if (rows.empty()) return {};

  TraceRollup rollup = summarize_trace(trace_id, rows);
  const TraceSummary& s = rollup.summary;
  auto status = upsert_summary_.bind(1, std::string_view(s.trace_id))
                    .bind(2, std::string_view(s.root_span_id))
                    .bind(3, std::string_view(s.root_name))
                    .bind(4, std::string_view(s.repository))
                    .bind(5, std::string_view(s.pipeline))
                    .bind(6, std::string_view(s.run_id))
                    .bind(7, std::string_view(s.change_id))
                    .bind(8, std::string_view(s.commit))
                    .bind(9, std::string_view(s.branch))
                    .bind(10, std::string_view(s.result))
                    .bind(11, static_cast<std::int64_t>(s.start))
                    .bind(12, static_cast<std::int64_t>(s.end))
                    .bind(13, s.span_count)
                    .bind(14, s.error_count)
                    .bind(15, s.in_progress_count)
                    .bind(16, s.stored_bytes)
                    .bind(17, static_cast<std::int64_t>(stored_at))
                    .run();
  if (!status) return {fmt::format("cannot update the summary of trace {}: {}", trace_id, status.error)};

  if (auto d = delete_runs_.bind(1, std::string_view(trace_id)).run(); !d) {
    return {fmt::format("cannot update the pipeline runs of trace {}: {}", trace_id, d.error)};
  }
  for (const auto& run : rollup.runs) {
    auto r = insert_run_.bind(1, run.trace_id)
                 .bind(2, run.span_id)
                 .bind(3, run.pipeline)
                 .bind(4, run.run_id)
                 .bind(5, run.repository)
                 .bind(6, static_cast<std::int64_t>(run.start))
                 .bind(7, static_cast<std::int64_t>(run.end))
                 .bind(8, run.result)
                 .bind(9, std::int64_t{run.in_progress ? 1 : 0})
                 .run();
    if (!r) return {fmt::format("cannot record pipeline run {} of trace {}: {}", run.pipeline, trace_id, r.error)};
  }
  return {};
}

}  // namespace pipetrace
