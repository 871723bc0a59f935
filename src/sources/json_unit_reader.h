// Reads one JSON text from a recording: a watch or webhook event, a
// Kubernetes object, a List of them (kind "List" or "<Kind>List", items
// possibly without kind) or a bare array of them. Each line of a JSON-lines
// recording, each JSON document and each converted YAML document is one unit.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include <simdjson.h>

#include "sources/read_context.h"

namespace pipetrace {

class JsonUnitReader {
 public:
  explicit JsonUnitReader(ReadContext& context);

  // `text` must have SIMDJSON_PADDING readable bytes after it within
  // `capacity` (it is read in place, never copied); `line` is the 1-based
  // line of the file where it starts.
  void read(std::string_view text, std::size_t capacity, std::size_t line);

 private:
  // Lists nest at most a List in an array in a file; deeper is not a dump.
  static constexpr int kMaxDepth = 4;

  void read_at_depth(std::string_view text, std::size_t capacity, std::size_t line, int depth,
                     std::string_view kind_hint);
  // Each object element of an array, read as a unit of its own.
  void read_items(simdjson::ondemand::array items, std::string_view text, std::size_t capacity, std::size_t line,
                  int depth, std::string_view kind_hint);

  ReadContext& context_;
  // One parser per nesting level, reused for every unit: a List's items are
  // parsed while the List itself is still being walked.
  std::array<simdjson::ondemand::parser, kMaxDepth> parsers_;
};

}  // namespace pipetrace
