// bench_stream: where the benchmark inputs come from, and their size.
#include "bench_stream.h"

#include <cstdio>
#include <cstdlib>

namespace pipetrace::bench {
namespace {

std::size_t g_runs = 0;

std::size_t runs_from_environment() {
  const char* env = std::getenv("PIPETRACE_BENCH_RUNS");
  if (env != nullptr && *env != '\0') {
    char* end = nullptr;
    unsigned long long n = std::strtoull(env, &end, 10);
    if (end != env && *end == '\0' && n > 0) return static_cast<std::size_t>(n);
    std::fprintf(stderr, "pipetrace_bench: ignoring PIPETRACE_BENCH_RUNS=%s (not a positive number)\n", env);
  }
  return 1000;
}

}  // namespace

StreamGeneratorOptions default_generator_options(std::size_t runs) {
  StreamGeneratorOptions options;
  options.template_recording = std::string(PIPETRACE_TESTDATA) + "/../examples/passing/recording.jsonl";
  options.managed_fields_source = std::string(PIPETRACE_TESTDATA) + "/fixtures/watch/v1-35-watch_event-watch_pods.jsonl";
  options.runs = runs;
  return options;
}

void set_bench_runs(std::size_t runs) { g_runs = runs; }

std::size_t bench_runs() {
  if (g_runs == 0) g_runs = runs_from_environment();
  return g_runs;
}

const StreamGenerator& bench_generator() {
  static const StreamGenerator generator = [] {
    std::string error;
    auto loaded = StreamGenerator::load(default_generator_options(bench_runs()), error);
    if (!loaded) {
      std::fprintf(stderr, "pipetrace_bench: cannot build the benchmark stream: %s\n", error.c_str());
      std::exit(2);
    }
    return std::move(*loaded);
  }();
  return generator;
}

const BenchStream& bench_stream() {
  static const BenchStream stream = [] {
    BenchStream s;
    std::string text = bench_generator().generate_text(&s.stats);
    s.text = simdjson::padded_string(text);
    return s;
  }();
  return stream;
}

}  // namespace pipetrace::bench
