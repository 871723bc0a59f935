// The spool's size cap as an operator sees it: a spool that keeps filling
// while the collector is away drops its oldest unsent spans, and /metrics
// says how many (pipetrace_spool_oldest_dropped_spans_total, also counted
// as dropped in pipetrace_spans_total), next to what is still pending.
#include <gtest/gtest.h>

#include <regex>

#include "../spool/spool_test_support.h"
#include "model/clock.h"
#include "serve/serve_metrics.h"
#include "serve/spool_metrics.h"
#include "spool/spooled_outputs.h"

namespace pipetrace::spool {
namespace {

using spool_test::ForwardingExporter;
using spool_test::ScratchDir;
using spool_test::ScriptedExporter;

std::uint64_t series_value(const std::string& text, const std::string& series) {
  std::smatch m;
  const std::regex re(series + R"( ([0-9]+))");
  EXPECT_TRUE(std::regex_search(text, m, re)) << series << " not in\n" << text;
  return m.empty() ? 0 : std::stoull(m[1]);
}

TEST(SpoolMetrics, FullSpoolCountsTheOldestDropped) {
  ScratchDir dir;
  ScriptedExporter collector;
  collector.answer(ExportStatus::RetryableFailure);
  SpoolOptions options;
  options.directory = dir.path("spool/collector");
  options.max_bytes = 16 * 1024;
  options.segment_bytes = 2 * 1024;
  options.schedule_delay = std::chrono::milliseconds(5);
  options.retry_initial = std::chrono::milliseconds(20);
  options.retry_max = std::chrono::milliseconds(50);
  std::vector<std::unique_ptr<SpoolSink>> spools;
  spools.push_back(std::make_unique<SpoolSink>(std::make_unique<ForwardingExporter>(collector), options));
  ASSERT_EQ(spools.back()->open(), "");
  SystemClock clock;
  auto index = std::make_unique<EmittedSpanIndex>(dir.path("spool/emitted-spans"), std::chrono::hours(48),
                                                  FsyncPolicy::Batch);
  ASSERT_EQ(index->open(clock.now()), "");
  SpooledOutputs outputs(std::move(index), std::move(spools), clock);
  serve::ServeMetrics metrics;
  serve::register_spool_metrics(metrics, outputs);
  for (int i = 0; i < 300; i += 10) outputs.consume(spool_test::run_spans(i, 10));

  const SpoolCounters c = outputs.spools()[0]->counters();
  ASSERT_GT(c.log.dropped_oldest, 0u);
  EXPECT_EQ(c.log.dropped_oldest + c.log.pending, 300u);
  const std::string text = metrics.render();
  EXPECT_EQ(series_value(text, R"(pipetrace_spool_oldest_dropped_spans_total\{exporter="scripted collector"\})"),
            c.log.dropped_oldest);
  EXPECT_EQ(series_value(text, R"(pipetrace_spool_pending_spans\{exporter="scripted collector"\})"), c.log.pending);
  EXPECT_EQ(series_value(text, R"(pipetrace_spans_total\{outcome="dropped"\})"), c.log.dropped_oldest);
  EXPECT_EQ(series_value(text, R"(pipetrace_spool_spans_total\{exporter="scripted collector",outcome="appended"\})"),
            300u);
}

}  // namespace
}  // namespace pipetrace::spool
