// The benchmarks' baseline: one simdjson on-demand pass over a recording
// that touches the fields the extractors read (names, labels, owners,
// conditions, steps, container states, involved objects, webhook keys) and
// skips the rest, with no tracing work at all. End-to-end throughput is
// reported as a fraction of this.
#pragma once

#include <cstddef>
#include <cstdint>

#include <simdjson.h>

namespace pipetrace::bench {

struct BarePassResult {
  std::size_t lines = 0;
  std::size_t errors = 0;       // lines simdjson rejected
  std::size_t values_read = 0;  // leaf values touched
  std::uint64_t checksum = 0;   // sum of string sizes and numbers, so nothing is optimised away
};

// Walks `text` line by line, in place (the padded buffer pads every line).
BarePassResult bare_simdjson_pass(const simdjson::padded_string& text);

}  // namespace pipetrace::bench
