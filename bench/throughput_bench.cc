// Throughput over the generated stream, from the bare simdjson pass (the
// baseline) through extraction to whole traces encoded as OTLP protobuf.
// Each reports events/s (items) and bytes/s; the others also report their
// throughput as a fraction of the baseline measured in the same process.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string_view>

#include "bare_simdjson_pass.h"
#include "bench_stream.h"
#include "link/tracer.h"
#include "model/clock.h"
#include "sinks/otlp_proto_encoder.h"
#include "sources/recording_reader.h"

namespace pipetrace::bench {
namespace {

using Clock = std::chrono::steady_clock;

double g_baseline_bytes_per_second = 0;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// The baseline's speed: from BM_BareSimdjsonParse when it ran first, else
// measured here once, so a filtered run still reports its ratio.
double baseline_bytes_per_second() {
  if (g_baseline_bytes_per_second == 0) {
    const BenchStream& stream = bench_stream();
    auto start = Clock::now();
    BarePassResult r = bare_simdjson_pass(stream.text);
    benchmark::DoNotOptimize(r.checksum);
    g_baseline_bytes_per_second = static_cast<double>(stream.text.size()) / seconds_since(start);
  }
  return g_baseline_bytes_per_second;
}

void report(benchmark::State& state, std::size_t events_per_pass, double seconds) {
  const BenchStream& stream = bench_stream();
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * events_per_pass));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.text.size()));
  state.counters["runs"] = static_cast<double>(stream.stats.runs);
  state.counters["avg_pod_event_bytes"] =
      stream.stats.pod_lines ? static_cast<double>(stream.stats.pod_bytes) / static_cast<double>(stream.stats.pod_lines) : 0;
  if (seconds > 0) {
    double rate = static_cast<double>(state.iterations() * stream.text.size()) / seconds;
    state.counters["vs_baseline"] = rate / baseline_bytes_per_second();
  }
}

void BM_BareSimdjsonParse(benchmark::State& state) {
  const BenchStream& stream = bench_stream();
  BarePassResult r;
  auto start = Clock::now();
  for (auto _ : state) {
    r = bare_simdjson_pass(stream.text);
    benchmark::DoNotOptimize(r.checksum);
  }
  double seconds = seconds_since(start);
  if (r.errors != 0) state.SkipWithError("the generated stream has lines simdjson rejects");
  g_baseline_bytes_per_second = static_cast<double>(state.iterations() * stream.text.size()) / seconds;
  report(state, r.lines, 0);
  state.counters["values_read_per_event"] = static_cast<double>(r.values_read) / static_cast<double>(r.lines);
}
BENCHMARK(BM_BareSimdjsonParse)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ExtractOnly(benchmark::State& state) {
  const BenchStream& stream = bench_stream();
  std::size_t events = 0, problems = 0;
  RecordingReader reader(
      [&](const ObservedEvent& e) {
        ++events;
        benchmark::DoNotOptimize(&e);
      },
      [&](const ReadProblem&) { ++problems; });
  auto start = Clock::now();
  for (auto _ : state) {
    events = 0;
    reader.read_padded(stream.text, "generated stream");
  }
  double seconds = seconds_since(start);
  if (problems != 0) state.SkipWithError("the reader reported problems in the generated stream");
  report(state, events, seconds);
}
BENCHMARK(BM_ExtractOnly)->Unit(benchmark::kMillisecond)->UseRealTime();

// Encodes every batch as an OTLP export request, as the HTTP exporter would
// before sending, and keeps only the byte count.
class ProtoBytesSink final : public SpanSink {
 public:
  void consume(const SpanBatch& batch) override {
    bytes += encode_otlp_proto(batch).size();
    spans += batch.spans.size();
  }
  std::size_t bytes = 0;
  std::size_t spans = 0;
};

// Reader -> Tracer -> OTLP protobuf. `live` runs the tracer as `serve`
// does (spans emitted as resources finish, the clock following the stream,
// tick() now and then); otherwise as `pipetrace replay` does (every span
// held until flush and emitted in canonical order).
void end_to_end(benchmark::State& state, bool live) {
  const BenchStream& stream = bench_stream();
  std::size_t events = 0, spans = 0, proto_bytes = 0;
  auto start = Clock::now();
  for (auto _ : state) {
    ProtoBytesSink sink;
    ManualClock clock;
    TracerOptions options;
    options.defer_until_flush = !live;
    options.resource.attributes.push_back({"service.name", std::string("pipetrace-bench")});
    Tracer tracer(options, sink, clock);
    events = 0;
    RecordingReader reader(
        [&](ObservedEvent&& e) {
          if (e.observed_at > clock.now()) clock.set(e.observed_at);
          tracer.observe(std::move(e));
          if (++events % 4096 == 0 && live) tracer.tick();
        },
        [](const ReadProblem&) {});
    reader.read_padded(stream.text, "generated stream");
    tracer.flush();
    spans = sink.spans;
    proto_bytes = sink.bytes;
  }
  double seconds = seconds_since(start);
  report(state, events, seconds);
  state.counters["spans"] = static_cast<double>(spans);
  state.counters["otlp_bytes"] = static_cast<double>(proto_bytes);
}

void BM_EndToEnd(benchmark::State& state) { end_to_end(state, false); }
BENCHMARK(BM_EndToEnd)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_EndToEndLive(benchmark::State& state) { end_to_end(state, true); }
BENCHMARK(BM_EndToEndLive)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace pipetrace::bench
