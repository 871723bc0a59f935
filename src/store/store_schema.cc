// DDL of the trace store. Columns that filters use are copied out of the
// span's attributes at insert time, so that queries use indexes instead of
// parsing JSON; the full attributes, events and links stay as JSON text.
#include "store/store_schema.h"

#include <fmt/format.h>

namespace pipetrace {
namespace {

constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE IF NOT EXISTS spans (
  trace_id        TEXT NOT NULL,
  span_id         TEXT NOT NULL,
  parent_span_id  TEXT NOT NULL DEFAULT '',
  name            TEXT NOT NULL,
  kind            INTEGER NOT NULL DEFAULT 1,
  start_ns        INTEGER NOT NULL,
  end_ns          INTEGER,            -- NULL when not known (in progress)
  duration_ns     INTEGER,
  status          INTEGER NOT NULL DEFAULT 0,
  status_message  TEXT NOT NULL DEFAULT '',
  in_progress     INTEGER NOT NULL DEFAULT 0,
  repository      TEXT,
  pipeline        TEXT,
  run_id          TEXT,
  task            TEXT,
  change_id       TEXT,
  commit_sha      TEXT,
  branch          TEXT,
  result          TEXT,
  trace_state     TEXT NOT NULL DEFAULT '',
  attributes      TEXT NOT NULL DEFAULT '{}',
  events          TEXT NOT NULL DEFAULT '[]',
  links           TEXT NOT NULL DEFAULT '[]',
  resource        TEXT NOT NULL DEFAULT '{}',
  stored_bytes    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (trace_id, span_id)
);
CREATE INDEX IF NOT EXISTS spans_by_parent     ON spans(trace_id, parent_span_id);
CREATE INDEX IF NOT EXISTS spans_by_start      ON spans(start_ns);
CREATE INDEX IF NOT EXISTS spans_by_repository ON spans(repository, trace_id) WHERE repository IS NOT NULL;
CREATE INDEX IF NOT EXISTS spans_by_pipeline   ON spans(pipeline, trace_id) WHERE pipeline IS NOT NULL;
CREATE INDEX IF NOT EXISTS spans_by_change     ON spans(change_id, trace_id) WHERE change_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS spans_by_commit     ON spans(commit_sha, trace_id) WHERE commit_sha IS NOT NULL;
CREATE INDEX IF NOT EXISTS spans_by_result     ON spans(result, trace_id) WHERE result IS NOT NULL;
CREATE INDEX IF NOT EXISTS spans_by_duration   ON spans(duration_ns);

CREATE TABLE IF NOT EXISTS traces (
  trace_id          TEXT PRIMARY KEY,
  root_span_id      TEXT NOT NULL DEFAULT '',
  root_name         TEXT NOT NULL DEFAULT '',
  repository        TEXT NOT NULL DEFAULT '',
  pipeline          TEXT NOT NULL DEFAULT '',
  run_id            TEXT NOT NULL DEFAULT '',
  change_id         TEXT NOT NULL DEFAULT '',
  commit_sha        TEXT NOT NULL DEFAULT '',
  branch            TEXT NOT NULL DEFAULT '',
  result            TEXT NOT NULL DEFAULT '',
  start_ns          INTEGER NOT NULL,
  end_ns            INTEGER NOT NULL,
  span_count        INTEGER NOT NULL,
  error_count       INTEGER NOT NULL,
  in_progress_count INTEGER NOT NULL,
  stored_bytes      INTEGER NOT NULL,
  stored_ns         INTEGER NOT NULL    -- when a span of the trace was last written
);
CREATE INDEX IF NOT EXISTS traces_by_start      ON traces(start_ns);
CREATE INDEX IF NOT EXISTS traces_by_stored     ON traces(stored_ns);
CREATE INDEX IF NOT EXISTS traces_by_repository ON traces(repository, start_ns);
CREATE INDEX IF NOT EXISTS traces_by_pipeline   ON traces(pipeline, start_ns);
CREATE INDEX IF NOT EXISTS traces_by_result     ON traces(result, start_ns);

-- Rewritten with the trace's summary: one row per top-most span naming a pipeline.
CREATE TABLE IF NOT EXISTS pipeline_runs (
  trace_id     TEXT NOT NULL,
  span_id      TEXT NOT NULL,
  pipeline     TEXT NOT NULL,
  run_id       TEXT NOT NULL DEFAULT '',
  repository   TEXT NOT NULL DEFAULT '',
  start_ns     INTEGER NOT NULL,
  end_ns       INTEGER NOT NULL,
  result       TEXT NOT NULL DEFAULT '',
  in_progress  INTEGER NOT NULL,
  PRIMARY KEY (trace_id, span_id)
);
CREATE INDEX IF NOT EXISTS pipeline_runs_by_pipeline ON pipeline_runs(pipeline, start_ns);
)sql";

}  // namespace

StoreStatus apply_store_schema(SqliteDb& db) {
  auto version = db.query_int("PRAGMA user_version");
  if (!version) return {version.error()};
  if (*version > kStoreSchemaVersion) {
    return {fmt::format("database {} has schema version {}, newer than this pipetrace understands ({}); "
                        "use a newer pipetrace or another --data-dir",
                        db.path(), *version, kStoreSchemaVersion)};
  }
  if (*version == kStoreSchemaVersion) return {};
  SqliteTransaction tx(db);
  if (!tx.begun()) return tx.begun();
  if (auto s = db.exec(kSchemaV1); !s) return s;
  if (auto s = db.exec(fmt::format("PRAGMA user_version={}", kStoreSchemaVersion)); !s) return s;
  return tx.commit();
}

}  // namespace pipetrace
