// pipetrace_bench: Google Benchmark's runner plus two flags of our own:
//   --runs=N            runs in the generated stream (default 1000, or $PIPETRACE_BENCH_RUNS)
//   --write-stream=PATH write the generated stream (default 10000 runs) and exit,
//                       for timing `pipetrace replay` on the same data (scripts/run-bench)
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench_stream.h"

namespace {

bool take_flag(const char* arg, const char* name, std::string& value) {
  std::size_t n = std::strlen(name);
  if (std::strncmp(arg, name, n) != 0 || arg[n] != '=') return false;
  value = arg + n + 1;
  return true;
}

int write_stream(const std::string& path, std::size_t runs) {
  std::string error;
  auto generator = pipetrace::bench::StreamGenerator::load(pipetrace::bench::default_generator_options(runs), error);
  if (!generator) {
    std::fprintf(stderr, "pipetrace_bench: %s\n", error.c_str());
    return 2;
  }
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (out == nullptr) {
    std::fprintf(stderr, "pipetrace_bench: cannot write %s\n", path.c_str());
    return 2;
  }
  bool ok = true;
  pipetrace::bench::GeneratedStats stats = generator->generate([&](std::string_view line) {
    ok = ok && std::fwrite(line.data(), 1, line.size(), out) == line.size() && std::fputc('\n', out) != EOF;
  });
  ok = std::fclose(out) == 0 && ok;
  if (!ok) {
    std::fprintf(stderr, "pipetrace_bench: writing %s failed (disk full?)\n", path.c_str());
    return 2;
  }
  std::printf("%zu runs, %zu lines, %zu bytes, %zu pod lines averaging %zu bytes -> %s\n", stats.runs, stats.lines,
              stats.bytes + stats.lines, stats.pod_lines, stats.pod_lines ? stats.pod_bytes / stats.pod_lines : 0,
              path.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest{argv[0]};
  std::string runs_text, stream_path;
  for (int i = 1; i < argc; ++i) {
    if (take_flag(argv[i], "--runs", runs_text) || take_flag(argv[i], "--write-stream", stream_path)) continue;
    rest.push_back(argv[i]);
  }
  std::size_t runs = 0;
  if (!runs_text.empty()) {
    char* end = nullptr;
    runs = static_cast<std::size_t>(std::strtoull(runs_text.c_str(), &end, 10));
    if (end == runs_text.c_str() || *end != '\0' || runs == 0) {
      std::fprintf(stderr, "pipetrace_bench: --runs=%s is not a positive number\n", runs_text.c_str());
      return 2;
    }
    pipetrace::bench::set_bench_runs(runs);
  }
  if (!stream_path.empty()) return write_stream(stream_path, runs ? runs : 10000);

  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
