// Retention of the store: by age (against an injected clock) and by size
// (the oldest traces go first until the database fits).
#include <gtest/gtest.h>

#include "example_traces.h"
#include "model/clock.h"
#include "store/store_sink.h"
#include "store/trace_store.h"
#include "temp_dir.h"

namespace pipetrace {
namespace {

using examples::kMonday;
using examples::kSecond;

std::unique_ptr<TraceStore> open_store(const std::string& dir, std::chrono::seconds max_age, std::int64_t max_bytes,
                                       const Clock* clock = nullptr) {
  StoreOptions options;
  options.data_dir = dir;
  options.max_age = max_age;
  options.max_bytes = max_bytes;
  auto opened = TraceStore::open(options, clock);
  EXPECT_TRUE(opened) << opened.error();
  return opened ? std::move(*opened) : nullptr;
}

std::vector<std::string> change_ids(TraceStore& store) {
  auto page = store.list_traces({});
  EXPECT_TRUE(page) << page.error();
  std::vector<std::string> out;
  for (const auto& t : page->traces) out.push_back(t.change_id);
  return out;
}

TEST(Retention, DeletesTracesWrittenLongerAgoThanTheMaximumAge) {
  testing::TempDir dir;
  // Replayed recordings are years old: age counts from when they were written.
  const TimeNs written = kMonday + 400LL * 24 * 3600 * kSecond;
  ManualClock clock(written);
  auto store = open_store(dir.str(), std::chrono::hours(1), 0, &clock);
  ASSERT_TRUE(store);
  const auto history = examples::example_history();
  for (const auto& b : history) ASSERT_TRUE(store->put(b));
  // Two hours later the failing PR (4) and the running one (7) are written
  // again, as a live tracer updates them.
  clock.set(written + 2 * 3600 * kSecond);
  ASSERT_TRUE(store->put(history[4]));
  ASSERT_TRUE(store->put(history[7]));

  auto report = store->enforce_retention(written + 2 * 3600 * kSecond + 30 * 60 * kSecond);
  ASSERT_TRUE(report) << report.error();
  EXPECT_EQ(report->traces_deleted_by_age, 6);
  EXPECT_EQ(report->traces_deleted_by_size, 0);
  EXPECT_EQ(change_ids(*store), (std::vector<std::string>{"7", "42"}));

  auto stats = store->pipeline_stats();
  ASSERT_TRUE(stats);
  ASSERT_EQ(stats->size(), 1u);  // release had only old runs
  EXPECT_EQ((*stats)[0].runs, 2);
}

TEST(Retention, DeletesTheOldestTracesUntilTheDatabaseFits) {
  testing::TempDir dir;
  constexpr int kTraces = 120;
  std::int64_t full = 0;
  {
    auto store = open_store(dir.str(), std::chrono::seconds(0), 0);
    ASSERT_TRUE(store);
    for (int i = 0; i < kTraces; ++i) {
      examples::ExampleRunSpec spec;
      spec.key = "bulk-" + std::to_string(i);
      spec.change_id = std::to_string(1000 + i);
      spec.start = kMonday + i * 60 * kSecond;
      ASSERT_TRUE(store->put(examples::example_run(spec)));
    }
    auto used = store->used_bytes();
    ASSERT_TRUE(used) << used.error();
    full = *used;
  }
  const std::int64_t limit = std::max<std::int64_t>(full / 2, 256 * 1024);
  ASSERT_LT(limit, full) << "the test needs a store larger than twice the minimum limit";

  auto store = open_store(dir.str(), std::chrono::seconds(0), limit);
  ASSERT_TRUE(store);
  auto report = store->enforce_retention(kMonday);
  ASSERT_TRUE(report) << report.error();
  EXPECT_EQ(report->bytes_before, full);
  EXPECT_LE(report->bytes_after, limit);
  EXPECT_GT(report->traces_deleted_by_size, 0);
  EXPECT_LT(report->traces_deleted_by_size, kTraces);

  const auto kept = change_ids(*store);
  ASSERT_EQ(static_cast<std::int64_t>(kept.size()), kTraces - report->traces_deleted_by_size);
  // Newest first, and exactly the newest ones survived.
  for (std::size_t i = 0; i < kept.size(); ++i) EXPECT_EQ(kept[i], std::to_string(1000 + kTraces - 1 - i));

  // The file itself shrinks too: pages go back to the file system.
  const auto file_size = std::filesystem::file_size(dir.path() / kStoreFileName);
  EXPECT_LT(static_cast<std::int64_t>(file_size), full);

  // A second pass right away finds nothing more to do.
  auto again = store->enforce_retention(kMonday);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->traces_deleted_by_size, 0);
}

TEST(Retention, TheSinkEnforcesItOnItsClock) {
  testing::TempDir dir;
  ManualClock clock(kMonday - 10 * 3600 * kSecond);
  StoreOptions options;
  options.data_dir = dir.str();
  options.max_age = std::chrono::hours(1);
  options.retention_interval = std::chrono::minutes(5);
  StoreSink sink(options, clock);
  ASSERT_TRUE(sink.ok()) << sink.open_error();
  for (const auto& b : examples::example_history()) sink.consume(b);
  ASSERT_EQ(change_ids(*sink.store()).size(), 8u);

  // Two hours later a new trace arrives; retention (due every 5 minutes)
  // keeps only what was written within the last hour.
  clock.advance(2 * 3600 * kSecond);
  examples::ExampleRunSpec spec;
  spec.key = "later";
  spec.change_id = "99";
  sink.consume(examples::example_run(spec));
  EXPECT_EQ(change_ids(*sink.store()), std::vector<std::string>{"99"});
  EXPECT_EQ(sink.failed_spans(), 0);
}

}  // namespace
}  // namespace pipetrace
