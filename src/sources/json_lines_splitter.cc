// Line splitting for JSON-lines recordings; see json_lines_splitter.h.
#include "sources/json_lines_splitter.h"

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <memory>

#include <simdjson.h>

namespace pipetrace {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Splits the complete lines of data[0, size); returns where the first
// incomplete line starts (size when the text ends with a newline).
std::size_t split_complete_lines(const char* data, std::size_t size, std::size_t capacity, JsonUnitReader& units,
                                 std::size_t& line, bool final_chunk) {
  std::size_t pos = 0;
  while (pos < size) {
    const void* newline = std::memchr(data + pos, '\n', size - pos);
    if (newline == nullptr && !final_chunk) return pos;
    std::size_t end = newline ? static_cast<std::size_t>(static_cast<const char*>(newline) - data) : size;
    ++line;
    std::size_t begin = pos;
    while (begin < end && is_space(data[begin])) ++begin;
    std::size_t stop = end;
    while (stop > begin && is_space(data[stop - 1])) --stop;
    if (begin < stop) units.read(std::string_view(data + begin, stop - begin), capacity - begin, line);
    pos = end + 1;
  }
  return size;
}

}  // namespace

std::size_t read_json_lines(const char* data, std::size_t size, std::size_t capacity, JsonUnitReader& units,
                            std::size_t first_line) {
  std::size_t line = first_line - 1;
  split_complete_lines(data, size, capacity, units, line, true);
  return line - (first_line - 1);
}

bool read_json_lines_chunked(std::FILE* file, std::string_view prefix, std::size_t chunk_bytes, JsonUnitReader& units,
                             std::string& error) {
  // The buffer holds the carried-over partial line plus one chunk, and the
  // padding simdjson reads past the end of a document.
  std::size_t capacity = std::max(chunk_bytes, prefix.size()) * 2;
  auto buffer = std::make_unique_for_overwrite<char[]>(capacity + simdjson::SIMDJSON_PADDING);
  std::size_t filled = prefix.size();
  // An empty view may hold a null pointer, which memcpy must never get.
  if (!prefix.empty()) std::memcpy(buffer.get(), prefix.data(), prefix.size());
  std::size_t line = 0;
  bool at_end = false;
  while (!at_end) {
    if (capacity - filled < chunk_bytes) {
      // One line longer than a chunk: grow rather than split it.
      std::size_t grown = capacity * 2;
      auto larger = std::make_unique_for_overwrite<char[]>(grown + simdjson::SIMDJSON_PADDING);
      std::memcpy(larger.get(), buffer.get(), filled);
      buffer = std::move(larger);
      capacity = grown;
    }
    std::size_t got = std::fread(buffer.get() + filled, 1, chunk_bytes, file);
    filled += got;
    if (got < chunk_bytes) {
      if (std::ferror(file)) {
        error = std::string("read failed: ") + std::strerror(errno);
        return false;
      }
      at_end = true;
    }
    std::memset(buffer.get() + filled, 0, simdjson::SIMDJSON_PADDING);
    std::size_t used = split_complete_lines(buffer.get(), filled, filled + simdjson::SIMDJSON_PADDING, units, line, at_end);
    std::memmove(buffer.get(), buffer.get() + used, filled - used);
    filled -= used;
  }
  return true;
}

}  // namespace pipetrace
