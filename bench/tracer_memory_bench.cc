// Memory the tracer holds per in-flight resource: heap in use (as the
// allocator reports it, heap_in_use.h) before and after feeding it the
// first observation of every object of N runs, none of which has finished.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bench_stream.h"
#include "heap_in_use.h"
#include "link/tracer.h"
#include "model/clock.h"
#include "sources/recording_reader.h"

namespace pipetrace::bench {
namespace {

class DiscardSink final : public SpanSink {
 public:
  void consume(const SpanBatch& batch) override { spans += batch.spans.size(); }
  std::size_t spans = 0;
};

// The ADDED lines (and webhooks) of `runs` runs, already extracted, so that
// the measurement holds only what the tracer itself keeps.
std::vector<ObservedEvent> unfinished_events(std::size_t runs) {
  std::string text;
  bench_generator().generate_runs(
      0, runs,
      [&](std::string_view line) {
        text.append(line);
        text += '\n';
      },
      [](std::string_view type) { return type == "ADDED" || type == "WEBHOOK"; });
  std::vector<ObservedEvent> events;
  RecordingReader reader([&](const ObservedEvent& e) { events.push_back(e); }, [](const ReadProblem&) {});
  reader.read_text(text, "generated unfinished resources");
  return events;
}

void BM_MemoryPerInFlightResource(benchmark::State& state) {
  const auto runs = static_cast<std::size_t>(state.range(0));
  const std::vector<ObservedEvent> events = unfinished_events(runs);
  double bytes = 0, resources = 0, spans = 0;
  {
    // Once before measuring, so that what is allocated once per process
    // (per-thread scratch buffers) is not counted. Under glibc, the
    // allocator's per-thread caches of freed blocks count as in use and
    // vary by up to some hundred kilobytes between measurements: large N
    // keeps that to a few bytes per resource.
    DiscardSink sink;
    ManualClock clock;
    Tracer warm_up(TracerOptions{}, sink, clock);
    for (const ObservedEvent& e : events) warm_up.observe(e);
  }
  for (auto _ : state) {
    const std::size_t before = heap_in_use();
    DiscardSink sink;
    ManualClock clock;
    {
      Tracer tracer(TracerOptions{}, sink, clock);
      for (const ObservedEvent& e : events) tracer.observe(e);
      const std::size_t after = heap_in_use();
      bytes = static_cast<double>(after) - static_cast<double>(before);
      resources = static_cast<double>(tracer.stats().resources);
    }
    spans = static_cast<double>(sink.spans);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * events.size()));
  state.counters["resources"] = resources;
  state.counters["bytes_per_resource"] = resources > 0 ? bytes / resources : 0;
  state.counters["spans_emitted_early"] = spans;
  state.SetLabel("allocator: " + heap_allocator());
}
BENCHMARK(BM_MemoryPerInFlightResource)->Arg(1000)->Arg(4000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pipetrace::bench
