// The generated stream the benchmarks share: built once per process, from
// the example recording and the real pod watch stream in the source tree.
#pragma once

#include <cstddef>
#include <string>

#include <simdjson.h>

#include "stream_generator.h"

namespace pipetrace::bench {

// Generator options for `runs` runs of the examples/passing `lint` job.
StreamGeneratorOptions default_generator_options(std::size_t runs);

// The number of runs bench_stream() generates (--runs, else
// $PIPETRACE_BENCH_RUNS, else 1000: about 300 MB, a few seconds a pass).
void set_bench_runs(std::size_t runs);
std::size_t bench_runs();

// Loads the generator or exits with a message naming the missing file.
const StreamGenerator& bench_generator();

struct BenchStream {
  simdjson::padded_string text;  // newline-terminated lines
  GeneratedStats stats;
};

const BenchStream& bench_stream();

}  // namespace pipetrace::bench
