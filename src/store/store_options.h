// Options of the embedded trace store, with their defaults and validation,
// and the parsers for the human-friendly forms the command line accepts
// ("7d", "512MiB").
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pipetrace {

struct StoreOptions {
  // Directory holding the database (created when missing).
  std::string data_dir;
  // Traces last written longer ago than this are deleted; zero keeps them forever.
  std::chrono::seconds max_age = std::chrono::hours(24 * 7);
  // Upper bound of the database's used size; the oldest traces go first. Zero: unbounded.
  std::int64_t max_bytes = std::int64_t{1} << 30;
  // How often a sink enforces retention while spans keep arriving.
  std::chrono::seconds retention_interval = std::chrono::minutes(1);

  // The database file inside data_dir.
  std::string database_path() const;
  // Empty when valid, else a message naming the bad option.
  std::string validate() const;
};

inline constexpr const char* kStoreFileName = "pipetrace.db";

// "90s", "15m", "12h", "7d", "2w", or a plain number of seconds.
std::optional<std::chrono::seconds> parse_age(std::string_view text);
// "1048576", "512KiB", "64MiB", "1GiB", "10MB" (decimal), "2GB".
std::optional<std::int64_t> parse_byte_size(std::string_view text);

}  // namespace pipetrace
