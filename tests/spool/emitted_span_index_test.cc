// No span is spooled twice: the span IDs already spooled are remembered on
// disk across restarts (pruned after the retention window), a span emitted
// again after a restart is skipped, and an in-progress snapshot is still
// replaced by the finished span once.
#include <gtest/gtest.h>

#include <fstream>

#include "model/clock.h"
#include "spool/emitted_span_index.h"
#include "spool/spooled_outputs.h"
#include "spool_test_support.h"

namespace pipetrace::spool {
namespace {

using spool_test::ForwardingExporter;
using spool_test::ScratchDir;
using spool_test::ScriptedExporter;

constexpr TimeNs kHour = 3600LL * 1000000000;

std::unique_ptr<SpooledOutputs> spooled(const ScratchDir& dir, ScriptedExporter& collector, const Clock& clock) {
  SpoolOptions o;
  o.directory = dir.path("spool/collector");
  o.schedule_delay = std::chrono::milliseconds(5);
  o.drain_rate = 0;
  std::vector<std::unique_ptr<SpoolSink>> spools;
  spools.push_back(std::make_unique<SpoolSink>(std::make_unique<ForwardingExporter>(collector), o));
  EXPECT_EQ(spools.back()->open(), "");
  auto index = std::make_unique<EmittedSpanIndex>(dir.path("spool/emitted-spans"), std::chrono::hours(48),
                                                  FsyncPolicy::Batch);
  EXPECT_EQ(index->open(clock.now()), "");
  return std::make_unique<SpooledOutputs>(std::move(index), std::move(spools), clock);
}

TEST(EmittedSpanIndex, RemembersAcrossReopenAndPrunesPastTheWindow) {
  ScratchDir dir;
  const SpanBatch old_spans = spool_test::run_spans(0, 3);
  const SpanBatch new_spans = spool_test::run_spans(3, 2);
  const TimeNs t0 = 1700000000LL * 1000000000;
  {
    EmittedSpanIndex index(dir.path("emitted"), std::chrono::hours(48), FsyncPolicy::Always);
    ASSERT_EQ(index.open(t0), "");
    std::vector<std::pair<SpanId, bool>> first, second;
    for (const Span& s : old_spans.spans) first.emplace_back(s.span_id, true);
    for (const Span& s : new_spans.spans) second.emplace_back(s.span_id, false);
    index.remember(first, t0);
    index.remember(second, t0 + 40 * kHour);
  }
  // A crash mid-append leaves half a record: ignored, not fatal.
  std::ofstream(dir.path("emitted"), std::ios::app | std::ios::binary) << "PTSR\x11";
  EmittedSpanIndex reopened(dir.path("emitted"), std::chrono::hours(48), FsyncPolicy::Always);
  ASSERT_EQ(reopened.open(t0 + 41 * kHour), "");
  EXPECT_EQ(reopened.size(), 5u);
  EXPECT_EQ(reopened.lookup(old_spans.spans[0].span_id), SpooledAs::Complete);
  EXPECT_EQ(reopened.lookup(new_spans.spans[0].span_id), SpooledAs::Incomplete);
  EXPECT_EQ(reopened.lookup(spool_test::run_spans(9, 1).spans[0].span_id), SpooledAs::Never);

  EmittedSpanIndex later(dir.path("emitted"), std::chrono::hours(48), FsyncPolicy::Always);
  ASSERT_EQ(later.open(t0 + 50 * kHour), "");  // the first three are past 48 h
  EXPECT_EQ(later.size(), 2u);
  EXPECT_EQ(later.lookup(old_spans.spans[0].span_id), SpooledAs::Never);
  EXPECT_EQ(later.lookup(new_spans.spans[1].span_id), SpooledAs::Incomplete);
}

TEST(SpooledOutputs, SpansEmittedAgainAfterARestartAreNotSentTwice) {
  ScratchDir dir;
  SystemClock clock;
  ScriptedExporter collector;
  const SpanBatch before_restart = spool_test::run_spans(0, 6);
  {
    auto outputs = spooled(dir, collector, clock);
    outputs->consume(before_restart);
    outputs->consume(spool_test::run_spans(2, 2));  // emitted twice in one run: still once
    outputs->flush();
    EXPECT_EQ(outputs->duplicates_skipped(), 2u);
  }
  // The relist makes the tracer emit the finished ones again, and new ones.
  auto outputs = spooled(dir, collector, clock);
  outputs->consume(spool_test::run_spans(0, 9));
  outputs->flush();
  EXPECT_EQ(outputs->duplicates_skipped(), 6u);
  EXPECT_EQ(spool_test::span_ids(collector.received()), spool_test::span_ids(spool_test::run_spans(0, 9)));
}

TEST(SpooledOutputs, AnInProgressSnapshotIsReplacedOnceByTheFinishedSpan) {
  ScratchDir dir;
  SystemClock clock;
  ScriptedExporter collector;
  SpanBatch snapshot = spool_test::run_spans(0, 1);
  snapshot.spans[0].attributes.push_back({"pipetrace.span.incomplete", true});
  auto outputs = spooled(dir, collector, clock);
  outputs->consume(snapshot);
  outputs->consume(snapshot);                       // a second snapshot adds nothing
  outputs->consume(spool_test::run_spans(0, 1));    // finished: replaces it
  outputs->consume(spool_test::run_spans(0, 1));    // and only once
  outputs->flush();
  const auto received = collector.received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_FALSE(is_complete(received[0]));
  EXPECT_TRUE(is_complete(received[1]));
}

}  // namespace
}  // namespace pipetrace::spool
