// The spool in front of an exporter: spans reach the collector only through
// the disk, an outage keeps them there until it ends, a restart sends only
// what was not acknowledged, the drain after an outage is rate-bounded, and
// the spool is bounded (tests/faults/spool_metrics_test.cc: its metric).
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "model/clock.h"
#include "spool/spool_sink.h"
#include "spool/spooled_outputs.h"
#include "spool_test_support.h"

namespace pipetrace::spool {
namespace {

using spool_test::ForwardingExporter;
using spool_test::ScratchDir;
using spool_test::ScriptedExporter;

SpoolOptions fast_options(const ScratchDir& dir) {
  SpoolOptions o;
  o.directory = dir.path("spool/collector");
  o.schedule_delay = std::chrono::milliseconds(10);
  o.retry_initial = std::chrono::milliseconds(20);
  o.retry_max = std::chrono::milliseconds(50);
  o.drain_rate = 0;
  return o;
}

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

TEST(SpoolSink, OutageKeepsSpansOnDiskAndTheyAllArriveOnceItEnds) {
  ScratchDir dir;
  ScriptedExporter collector;
  collector.answer(ExportStatus::RetryableFailure);
  SpoolSink sink(std::make_unique<ForwardingExporter>(collector), fast_options(dir));
  ASSERT_EQ(sink.open(), "");
  const SpanBatch batch = spool_test::run_spans(0, 30);
  ASSERT_TRUE(sink.append(batch));
  ASSERT_TRUE(eventually([&] { return collector.calls() >= 3; }));
  EXPECT_EQ(sink.counters().log.pending, 30u);
  EXPECT_TRUE(collector.received().empty());

  collector.answer(ExportStatus::Sent);
  ASSERT_TRUE(eventually([&] { return sink.counters().log.pending == 0; }));
  EXPECT_EQ(spool_test::span_ids(collector.received()), spool_test::span_ids(batch));
  EXPECT_EQ(collector.resources().at(0), batch.resource);
  EXPECT_EQ(sink.counters().exported, 30u);
}

TEST(SpoolSink, RestartSendsOnlyWhatWasNotAcknowledged) {
  ScratchDir dir;
  const SpanBatch first = spool_test::run_spans(0, 12);
  const SpanBatch second = spool_test::run_spans(12, 8);
  ScriptedExporter before;
  {
    SpoolSink sink(std::make_unique<ForwardingExporter>(before), fast_options(dir));
    ASSERT_EQ(sink.open(), "");
    ASSERT_TRUE(sink.append(first));
    sink.flush();
    ASSERT_EQ(before.received().size(), 12u);
    before.answer(ExportStatus::RetryableFailure);  // the collector goes away; then pipetrace stops
    ASSERT_TRUE(sink.append(second));
    ASSERT_TRUE(eventually([&] { return before.calls() >= 2; }));
  }
  ScriptedExporter after;
  SpoolSink restarted(std::make_unique<ForwardingExporter>(after), fast_options(dir));
  ASSERT_EQ(restarted.open(), "");
  EXPECT_EQ(restarted.counters().log.recovered, 8u);
  ASSERT_TRUE(eventually([&] { return after.received().size() >= 8; }));
  restarted.flush();
  EXPECT_EQ(spool_test::span_ids(after.received()), spool_test::span_ids(second));
}

TEST(SpoolSink, PermanentRefusalRemovesTheSpansInsteadOfRetryingForever) {
  ScratchDir dir;
  ScriptedExporter collector;
  collector.answer(ExportStatus::PermanentFailure);
  SpoolSink sink(std::make_unique<ForwardingExporter>(collector), fast_options(dir));
  ASSERT_EQ(sink.open(), "");
  ASSERT_TRUE(sink.append(spool_test::run_spans(0, 5)));
  sink.flush();
  EXPECT_EQ(sink.counters().failed, 5u);
  EXPECT_EQ(sink.counters().log.pending, 0u);
  EXPECT_EQ(collector.calls(), 1);
}

TEST(SpoolSink, BacklogDrainsNoFasterThanTheDrainRate) {
  ScratchDir dir;
  ScriptedExporter collector;
  SpoolOptions options = fast_options(dir);
  options.drain_rate = 400;  // spans per second
  options.max_batch = 100;
  {
    ScriptedExporter away;
    away.answer(ExportStatus::RetryableFailure);
    SpoolSink outage(std::make_unique<ForwardingExporter>(away), options);
    ASSERT_EQ(outage.open(), "");
    ASSERT_TRUE(outage.append(spool_test::run_spans(0, 600)));
  }
  const auto start = std::chrono::steady_clock::now();
  SpoolSink sink(std::make_unique<ForwardingExporter>(collector), options);
  ASSERT_EQ(sink.open(), "");
  ASSERT_TRUE(eventually([&] { return collector.received().size() == 600; }));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // One second's worth may go at once; the other 200 need half a second more.
  EXPECT_GE(seconds, 0.45);
  EXPECT_LT(seconds, 5.0);
}

}  // namespace
}  // namespace pipetrace::spool
