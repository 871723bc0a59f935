// The store's SQLite schema and its versioned creation: spans (one row per
// trace and span ID), traces (one summary row per trace) and pipeline_runs.
#pragma once

#include "store/sqlite_db.h"

namespace pipetrace {

// The schema version this build writes (PRAGMA user_version).
inline constexpr int kStoreSchemaVersion = 1;

// Creates the tables and indexes of a new database; accepts one already at
// this version; refuses a newer one, which an older binary must not rewrite.
StoreStatus apply_store_schema(SqliteDb& db);

}  // namespace pipetrace
