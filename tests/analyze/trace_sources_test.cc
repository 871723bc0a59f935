// Loading traces for analyze: from the store by ID or time range, and from
// OTLP/JSON lines as `-o jsonl:PATH` writes them (a trace over several lines,
// a snapshot replaced by its final span, a broken line reported and skipped).
#include "analyze/trace_sources.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../store/example_traces.h"
#include "../store/temp_dir.h"
#include "analyze/trace_analyzer.h"
#include "sinks/otlp_json_encoder.h"
#include "store/trace_store.h"

namespace pipetrace {
namespace {

using examples::kMonday;
using examples::kSecond;

TEST(TraceSources, FromTheStoreByIdAndByTimeRange) {
  testing::TempDir dir;
  {
    StoreOptions options;
    options.data_dir = dir.str();
    auto store = TraceStore::open(options);
    ASSERT_TRUE(store) << store.error();
    for (const auto& b : examples::example_history()) ASSERT_TRUE((*store)->put(b));
  }
  const auto failing = examples::example_run(examples::failing_pr_spec());
  TraceSelection one;
  one.trace_id = failing.spans[0].trace_id.hex();
  auto loaded = load_traces_from_store(dir.str(), one);
  ASSERT_TRUE(loaded) << loaded.error();
  ASSERT_EQ(loaded->size(), 1u);
  auto runs = analyze_trace(loaded->front(), {});
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].critical_path.back().name, "step test");
  EXPECT_EQ(runs[0].slowest_steps[0].name, "from-build-pack / build");

  TraceSelection range;
  range.since = kMonday - 3 * 3600 * kSecond;
  range.until = kMonday - 60 * 60 * kSecond;
  auto ranged = load_traces_from_store(dir.str(), range);
  ASSERT_TRUE(ranged) << ranged.error();
  EXPECT_EQ(ranged->size(), 4u);  // web-app at -3h and -2h, release at -2h50 and -1h50

  TraceSelection missing;
  missing.trace_id = std::string(32, 'b');
  auto none = load_traces_from_store(dir.str(), missing);
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().find(missing.trace_id), std::string::npos);
}

TEST(TraceSources, FromOtlpJsonLines) {
  testing::TempDir dir;
  const auto path = (dir.path() / "traces.jsonl").string();
  auto running_spec = examples::failing_pr_spec();
  running_spec.running = true;
  const SpanBatch running = examples::example_run(running_spec);
  const SpanBatch failing = examples::example_run(examples::failing_pr_spec());
  const auto history = examples::example_history();
  {
    std::ofstream out(path);
    out << encode_otlp_json(running) << "\n";
    out << "{\"resourceSpans\": [ {\"scopeSpans\": [{\"spans\": [{\"traceId\": \"12\"}]}]}]}\n";
    // The finished trace in two lines, as batches arrive.
    SpanBatch first{failing.resource, {failing.spans.begin(), failing.spans.begin() + 8}};
    SpanBatch second{failing.resource, {failing.spans.begin() + 8, failing.spans.end()}};
    out << encode_otlp_json(first) << "\n" << encode_otlp_json(second) << "\n";
    out << encode_otlp_json(history[0]) << "\n";
  }
  std::vector<std::string> problems;
  auto all = load_traces_from_jsonl(path, {}, problems);
  ASSERT_TRUE(all) << all.error();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find(path + ":2:"), std::string::npos) << problems[0];
  ASSERT_EQ(all->size(), 2u);
  ASSERT_EQ(all->at(0).size(), failing.spans.size());

  auto runs = analyze_trace(all->at(0), {});
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_FALSE(runs[0].in_progress) << "the final spans replace the snapshot";
  EXPECT_EQ(runs[0].result, "failure");
  EXPECT_EQ(runs[0].critical_path.back().name, "step test");

  TraceSelection one;
  one.trace_id = history[0].spans[0].trace_id.hex();
  problems.clear();
  auto selected = load_traces_from_jsonl(path, one, problems);
  ASSERT_TRUE(selected) << selected.error();
  ASSERT_EQ(selected->size(), 1u);
  EXPECT_EQ(selected->at(0).front().trace_id, history[0].spans[0].trace_id);
}

TEST(TraceSources, ADirectoryWithoutAStoreIsNamedAndLeftAlone) {
  testing::TempDir dir;
  const auto missing = dir.path() / "typo";
  auto none = load_traces_from_store(missing.string(), {});
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().find(missing.string()), std::string::npos) << none.error();
  EXPECT_FALSE(std::filesystem::exists(missing));
}

TEST(TraceSources, AMissingFileIsNamed) {
  std::vector<std::string> problems;
  auto none = load_traces_from_jsonl("/nonexistent/traces.jsonl", {}, problems);
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().find("/nonexistent/traces.jsonl"), std::string::npos);
}

}  // namespace
}  // namespace pipetrace
