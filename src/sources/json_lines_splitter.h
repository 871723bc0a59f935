// Splits JSON-lines text into trimmed lines for the unit reader, either from
// a buffer already in memory or from a file read in fixed-size chunks. The
// chunked form keeps memory flat on multi-gigabyte recordings: one reused
// buffer instead of the whole file, so replay is not dominated by page
// faults on freshly allocated memory.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

#include "sources/json_unit_reader.h"

namespace pipetrace {

// Feeds each non-blank line of `data` (which has SIMDJSON_PADDING readable
// bytes past `capacity`'s end, see JsonUnitReader::read) to `units`. Returns
// the number of lines seen, counting the last one even without a newline.
std::size_t read_json_lines(const char* data, std::size_t size, std::size_t capacity, JsonUnitReader& units,
                            std::size_t first_line = 1);

// Reads JSON lines from `file` starting with the `prefix` bytes already
// taken from it, `chunk_bytes` at a time. Returns false, with `error` set,
// when the file cannot be read to its end.
bool read_json_lines_chunked(std::FILE* file, std::string_view prefix, std::size_t chunk_bytes, JsonUnitReader& units,
                             std::string& error);

}  // namespace pipetrace
