// SQLite connection and statement wrappers (see sqlite_db.h).
#include "store/sqlite_db.h"

#include <sqlite3.h>

#include <fmt/format.h>

namespace pipetrace {

void SqliteStatement::Finalizer::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
void SqliteDb::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

SqliteStatement::SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, std::string sql)
    : db_(db), stmt_(stmt), sql_(std::move(sql)) {}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_.get(), index, value);
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, double value) {
  sqlite3_bind_double(stmt_.get(), index, value);
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bind_null(index);
}

SqliteStatement& SqliteStatement::bind(int index, const std::optional<std::int64_t>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

SqliteStatement& SqliteStatement::bind_null(int index) {
  sqlite3_bind_null(stmt_.get(), index);
  return *this;
}

SqliteStatement& SqliteStatement::bind_text_or_null(int index, std::string_view text) {
  return text.empty() ? bind_null(index) : bind(index, text);
}

bool SqliteStatement::step() {
  if (!stmt_) {
    error_ = "statement was not prepared";
    return false;
  }
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) {
    error_ = fmt::format("{} (in: {})", sqlite3_errmsg(db_), sql_.substr(0, 120));
  }
  return false;
}

StoreStatus SqliteStatement::run() {
  error_.clear();
  while (step()) {
  }
  StoreStatus status{error_};
  reset();
  return status;
}

void SqliteStatement::reset() {
  if (!stmt_) return;
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

bool SqliteStatement::is_null(int column) const {
  return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}

std::int64_t SqliteStatement::column_int(int column) const { return sqlite3_column_int64(stmt_.get(), column); }

double SqliteStatement::column_double(int column) const { return sqlite3_column_double(stmt_.get(), column); }

std::string SqliteStatement::column_text(int column) const {
  const auto* text = sqlite3_column_text(stmt_.get(), column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_.get(), column));
}

std::optional<std::int64_t> SqliteStatement::column_optional_int(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_int(column);
}

StoreResult<SqliteDb> SqliteDb::open(const std::string& path) {
  sqlite3* raw = nullptr;
  // FULLMUTEX: the UI server answers requests from several threads.
  int rc = sqlite3_open_v2(path.c_str(), &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  SqliteDb db;
  db.db_.reset(raw);
  db.path_ = path;
  if (rc != SQLITE_OK) {
    return StoreResult<SqliteDb>::failure(
        fmt::format("cannot open database {}: {}", path, raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  // A writer in another process (replay, serve) may hold the lock briefly.
  sqlite3_busy_timeout(raw, 5000);
  // Must precede the switch to WAL, which writes the header: only a database
  // created in incremental mode can give pages back to the file system after
  // retention deletes old traces.
  db.exec("PRAGMA auto_vacuum=INCREMENTAL");
  if (auto s = db.exec("PRAGMA journal_mode=WAL"); !s) {
    return StoreResult<SqliteDb>::failure(fmt::format("cannot use {}: {}", path, s.error));
  }
  // NORMAL is durable across application crashes in WAL mode; only a power
  // loss may drop the last transactions, which a replay restores.
  db.exec("PRAGMA synchronous=NORMAL");
  db.exec("PRAGMA foreign_keys=ON");
  return db;
}

StoreStatus SqliteDb::exec(std::string_view sql) {
  char* message = nullptr;
  std::string text(sql);
  int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  std::string error = fmt::format("{} (in: {})", message ? message : sqlite3_errstr(rc), text.substr(0, 120));
  sqlite3_free(message);
  return {error};
}

SqliteStatement SqliteDb::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return {};
  }
  return SqliteStatement(db_.get(), stmt, std::string(sql));
}

std::string SqliteDb::last_error() const { return sqlite3_errmsg(db_.get()); }

std::int64_t SqliteDb::changes() const { return sqlite3_changes64(db_.get()); }

StoreResult<std::int64_t> SqliteDb::query_int(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt.valid()) {
    return StoreResult<std::int64_t>::failure(fmt::format("{} (in: {})", last_error(), sql));
  }
  if (!stmt.step()) {
    return StoreResult<std::int64_t>::failure(stmt.error().empty() ? fmt::format("no row from: {}", sql)
                                                                   : stmt.error());
  }
  return stmt.column_int(0);
}

SqliteTransaction::SqliteTransaction(SqliteDb& db) : db_(db) {
  // IMMEDIATE takes the write lock up front, so a busy database waits here
  // (busy_timeout) instead of failing half-way through the batch.
  begun_ = db_.exec("BEGIN IMMEDIATE");
  done_ = !begun_.ok();
}

SqliteTransaction::~SqliteTransaction() {
  if (!done_) db_.exec("ROLLBACK");
}

StoreStatus SqliteTransaction::commit() {
  if (done_) return begun_.ok() ? StoreStatus{"transaction already finished"} : begun_;
  done_ = true;
  auto status = db_.exec("COMMIT");
  if (!status) db_.exec("ROLLBACK");
  return status;
}

}  // namespace pipetrace
