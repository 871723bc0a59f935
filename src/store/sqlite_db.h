// A thin RAII layer over the SQLite C API: one connection, prepared
// statements with typed binds and reads, and errors as values that carry
// SQLite's own message and the statement that failed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "store/store_result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace pipetrace {

class SqliteStatement {
 public:
  SqliteStatement() = default;
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, std::string sql);

  bool valid() const { return stmt_ != nullptr; }

  // Binds are 1-based, as in SQLite. Empty optionals bind NULL.
  SqliteStatement& bind(int index, std::int64_t value);
  SqliteStatement& bind(int index, double value);
  SqliteStatement& bind(int index, std::string_view text);
  SqliteStatement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  SqliteStatement& bind(int index, const std::optional<std::string>& text);
  SqliteStatement& bind(int index, const std::optional<std::int64_t>& value);
  SqliteStatement& bind_null(int index);
  // Binds only text that is not empty; empty text binds NULL so that "absent"
  // attributes stay out of the indexes.
  SqliteStatement& bind_text_or_null(int index, std::string_view text);

  // One step: true while a row is available, false when done; an error sets
  // `error()` and also returns false.
  bool step();
  // Runs a statement that returns no rows.
  StoreStatus run();
  void reset();

  bool is_null(int column) const;
  std::int64_t column_int(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;
  std::optional<std::int64_t> column_optional_int(int column) const;

  const std::string& error() const { return error_; }

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const;
  };
  sqlite3* db_ = nullptr;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  std::string sql_;
  std::string error_;
};

class SqliteDb {
 public:
  // Opens (creating if needed) the database file; WAL mode so that readers
  // (the UI) never block the writer (a sink) and the other way round.
  static StoreResult<SqliteDb> open(const std::string& path);

  StoreStatus exec(std::string_view sql);
  // A failed prepare returns an invalid statement; `last_error()` says why.
  SqliteStatement prepare(std::string_view sql);
  std::string last_error() const;
  std::int64_t changes() const;
  // Runs a query that returns one integer (PRAGMA page_count, COUNT(*)...).
  StoreResult<std::int64_t> query_int(std::string_view sql);

  const std::string& path() const { return path_; }

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  std::unique_ptr<sqlite3, Closer> db_;
  std::string path_;
};

// Wraps a group of statements in BEGIN/COMMIT, rolling back when destroyed
// without commit (an early return after an error).
class SqliteTransaction {
 public:
  explicit SqliteTransaction(SqliteDb& db);
  ~SqliteTransaction();
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;

  const StoreStatus& begun() const { return begun_; }
  StoreStatus commit();

 private:
  SqliteDb& db_;
  StoreStatus begun_;
  bool done_ = false;
};

}  // namespace pipetrace
