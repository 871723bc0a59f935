// Throughput over the generated stream, from the bare simdjson pass (the
// baseline) through extraction to whole traces encoded as OTLP protobuf.
// Each reports events/s (items) and bytes/s; the others also report their
// throughput as a fraction of the baseline's (vs_baseline). The machine's
// speed drifts within seconds, so each iteration of the others is paired
// with a baseline pass run right before it, and vs_baseline is the ratio of
// their summed times: a slow spell slows both sides of a pair.
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

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// One baseline pass, timed: the first half of a pair. Outside the
// benchmark's timing.
double paired_baseline_seconds(benchmark::State& state) {
  state.PauseTiming();
  auto start = Clock::now();
  BarePassResult r = bare_simdjson_pass(bench_stream().text);
  benchmark::DoNotOptimize(r.checksum);
  double seconds = seconds_since(start);
  state.ResumeTiming();
  return seconds;
}

// `seconds`: this benchmark's own time over its iterations; `baseline_seconds`:
// the paired baseline passes' (0 for the baseline itself).
void report(benchmark::State& state, std::size_t events_per_pass, double seconds, double baseline_seconds) {
  const BenchStream& stream = bench_stream();
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * events_per_pass));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.text.size()));
  state.counters["runs"] = static_cast<double>(stream.stats.runs);
  state.counters["avg_pod_event_bytes"] =
      stream.stats.pod_lines ? static_cast<double>(stream.stats.pod_bytes) / static_cast<double>(stream.stats.pod_lines) : 0;
  if (seconds > 0 && baseline_seconds > 0) state.counters["vs_baseline"] = baseline_seconds / seconds;
}

void BM_BareSimdjsonParse(benchmark::State& state) {
  const BenchStream& stream = bench_stream();
  BarePassResult r;
  for (auto _ : state) {
    r = bare_simdjson_pass(stream.text);
    benchmark::DoNotOptimize(r.checksum);
  }
  if (r.errors != 0) state.SkipWithError("the generated stream has lines simdjson rejects");
  report(state, r.lines, 0, 0);
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
  double seconds = 0, baseline_seconds = 0;
  for (auto _ : state) {
    baseline_seconds += paired_baseline_seconds(state);
    auto start = Clock::now();
    events = 0;
    reader.read_padded(stream.text, "generated stream");
    seconds += seconds_since(start);
  }
  if (problems != 0) state.SkipWithError("the reader reported problems in the generated stream");
  report(state, events, seconds, baseline_seconds);
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
  double seconds = 0, baseline_seconds = 0;
  for (auto _ : state) {
    baseline_seconds += paired_baseline_seconds(state);
    auto start = Clock::now();
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
    seconds += seconds_since(start);
  }
  report(state, events, seconds, baseline_seconds);
  state.counters["spans"] = static_cast<double>(spans);
  state.counters["otlp_bytes"] = static_cast<double>(proto_bytes);
}

void BM_EndToEnd(benchmark::State& state) { end_to_end(state, false); }
BENCHMARK(BM_EndToEnd)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_EndToEndLive(benchmark::State& state) { end_to_end(state, true); }
BENCHMARK(BM_EndToEndLive)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace pipetrace::bench
