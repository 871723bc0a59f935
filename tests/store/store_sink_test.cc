// StoreSink as the replay and serve commands use it: `store:DIR` fills a
// store that a later process reads; a directory it cannot use is reported,
// never a crash.
#include "store/store_sink.h"

#include <gtest/gtest.h>

#include <fstream>

#include "example_traces.h"
#include "temp_dir.h"

namespace pipetrace {
namespace {

TEST(StoreSink, WhatItConsumesIsReadableByAnotherStoreOnTheSameDirectory) {
  testing::TempDir dir;
  {
    StoreSink sink(dir.str());
    ASSERT_TRUE(sink.ok()) << sink.open_error();
    for (const auto& b : examples::example_history()) sink.consume(b);
    sink.flush();
  }
  StoreOptions options;
  options.data_dir = dir.str();
  auto reader = TraceStore::open(options);
  ASSERT_TRUE(reader) << reader.error();
  auto page = (*reader)->list_traces({});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 8);
}

TEST(StoreSink, ReportsADirectoryItCannotUseAndCountsTheDroppedSpans) {
  testing::TempDir dir;
  const auto file = dir.path() / "not-a-directory";
  { std::ofstream(file) << "x"; }
  StoreSink sink(file.string());
  EXPECT_FALSE(sink.ok());
  EXPECT_NE(sink.open_error().find(file.string()), std::string::npos) << sink.open_error();
  const auto batch = examples::example_run(examples::failing_pr_spec());
  sink.consume(batch);
  sink.flush();
  EXPECT_EQ(sink.failed_spans(), static_cast<std::int64_t>(batch.spans.size()));
}

}  // namespace
}  // namespace pipetrace
