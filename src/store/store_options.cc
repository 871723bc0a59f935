// Defaults, validation and flag parsing of the store options.
#include "store/store_options.h"

#include <cctype>
#include <charconv>
#include <filesystem>

#include <fmt/format.h>

namespace pipetrace {
namespace {

// Splits "64MiB" into 64 and "MiB"; false when there is no leading number.
bool split_number(std::string_view text, std::int64_t& number, std::string_view& unit) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || ptr == text.data() || number < 0) return false;
  unit = text.substr(static_cast<std::size_t>(ptr - text.data()));
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  return true;
}

}  // namespace

std::string StoreOptions::database_path() const {
  return (std::filesystem::path(data_dir) / kStoreFileName).string();
}

std::string StoreOptions::validate() const {
  if (data_dir.empty()) return "the store needs a data directory (--data-dir)";
  if (max_age.count() < 0) return "the retention age must not be negative";
  if (max_bytes < 0) return "the retention size must not be negative";
  // Below this a single realistic trace would not fit, and retention would
  // empty the store on every pass.
  if (max_bytes != 0 && max_bytes < 256 * 1024) {
    return fmt::format("the retention size {} bytes is too small (at least 256KiB)", max_bytes);
  }
  if (retention_interval.count() <= 0) return "the retention interval must be positive";
  return {};
}

std::optional<std::chrono::seconds> parse_age(std::string_view text) {
  std::int64_t n = 0;
  std::string_view unit;
  if (!split_number(text, n, unit)) return std::nullopt;
  std::int64_t factor = 0;
  if (unit.empty() || unit == "s") factor = 1;
  else if (unit == "m") factor = 60;
  else if (unit == "h") factor = 3600;
  else if (unit == "d") factor = 86400;
  else if (unit == "w") factor = 7 * 86400;
  else return std::nullopt;
  return std::chrono::seconds(n * factor);
}

std::optional<std::int64_t> parse_byte_size(std::string_view text) {
  std::int64_t n = 0;
  std::string_view unit;
  if (!split_number(text, n, unit)) return std::nullopt;
  std::int64_t factor = 0;
  if (unit.empty() || unit == "B") factor = 1;
  else if (unit == "KiB" || unit == "K") factor = std::int64_t{1} << 10;
  else if (unit == "MiB" || unit == "M") factor = std::int64_t{1} << 20;
  else if (unit == "GiB" || unit == "G") factor = std::int64_t{1} << 30;
  else if (unit == "KB") factor = 1000;
  else if (unit == "MB") factor = 1000 * 1000;
  else if (unit == "GB") factor = 1000 * 1000 * 1000;
  else return std::nullopt;
  return n * factor;
}

}  // namespace pipetrace
