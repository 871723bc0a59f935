// Per-pipeline statistics of the store: run counts, p50/p95 durations,
// failure rate, and the slowest tasks and steps.
#include <gtest/gtest.h>

#include <algorithm>

#include "example_traces.h"
#include "store/trace_store.h"
#include "temp_dir.h"

namespace pipetrace {
namespace {

using examples::kSecond;

class PipelineStatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions options;
    options.data_dir = dir_.str();
    auto opened = TraceStore::open(options);
    ASSERT_TRUE(opened) << opened.error();
    store_ = std::move(*opened);
    for (const auto& b : examples::example_history()) ASSERT_TRUE(store_->put(b));
  }

  testing::TempDir dir_;
  std::unique_ptr<TraceStore> store_;
};

TEST_F(PipelineStatsTest, CountsRunsOfTopMostPipelinesOnly) {
  auto stats = store_->pipeline_stats();
  ASSERT_TRUE(stats) << stats.error();
  std::vector<std::string> names;
  for (const auto& s : *stats) names.push_back(s.name);
  // The PipelineRuns under each LighthouseJob are part of the job's run.
  EXPECT_EQ(names, (std::vector<std::string>{"pr-build", "release"}));
}

TEST_F(PipelineStatsTest, PercentilesAndFailureRate) {
  auto stats = store_->pipeline_stats();
  ASSERT_TRUE(stats) << stats.error();
  const PipelineStats& pr = (*stats)[0];
  EXPECT_EQ(pr.runs, 6);      // four passing, one failing, one running
  EXPECT_EQ(pr.finished, 5);
  EXPECT_EQ(pr.failures, 1);
  EXPECT_DOUBLE_EQ(pr.failure_rate, 0.2);
  // Job durations are 107 s + build + test (188 s): builds of 300, 315
  // (failing), 320, 340, 360 s give 595, 610, 615, 635, 655 s.
  EXPECT_EQ(pr.p50, 615 * kSecond);
  EXPECT_EQ(pr.p95, 655 * kSecond);

  const PipelineStats& release = (*stats)[1];
  EXPECT_EQ(release.runs, 2);
  EXPECT_EQ(release.failures, 0);
  EXPECT_EQ(release.p50, (107 + 200 + 60) * kSecond);
}

TEST_F(PipelineStatsTest, SinceRestrictsTheRunsCounted) {
  auto stats = store_->pipeline_stats(examples::kMonday - 60 * 60 * kSecond);
  ASSERT_TRUE(stats) << stats.error();
  ASSERT_EQ(stats->size(), 1u);
  EXPECT_EQ((*stats)[0].runs, 2);  // the failing PR and the running one
  EXPECT_DOUBLE_EQ((*stats)[0].failure_rate, 1.0);
}

TEST_F(PipelineStatsTest, DetailListsRunsOldestFirstAndTheSlowestTasksAndSteps) {
  auto detail = store_->pipeline_detail("pr-build");
  ASSERT_TRUE(detail) << detail.error();
  ASSERT_TRUE(detail->has_value());
  const PipelineDetail& d = **detail;
  ASSERT_EQ(d.runs.size(), 6u);
  EXPECT_TRUE(std::is_sorted(d.runs.begin(), d.runs.end(), [](auto& a, auto& b) { return a.start < b.start; }));
  EXPECT_TRUE(d.runs.back().in_progress);
  EXPECT_EQ(d.runs[4].result, "failure");

  ASSERT_FALSE(d.slowest_tasks.empty());
  EXPECT_EQ(d.slowest_tasks[0].name, "from-build-pack");
  EXPECT_EQ(d.slowest_tasks[0].count, 5);  // the running run is left out
  ASSERT_GE(d.slowest_tasks.size(), 2u);
  EXPECT_EQ(d.slowest_tasks[1].name, "lint");
  EXPECT_EQ(d.slowest_tasks[1].mean, 140 * kSecond);

  ASSERT_GE(d.slowest_steps.size(), 3u);
  EXPECT_EQ(d.slowest_steps[0].name, "from-build-pack / build");
  EXPECT_EQ(d.slowest_steps[0].mean, (300 + 315 + 320 + 340 + 360) / 5 * kSecond);
  EXPECT_EQ(d.slowest_steps[0].max, 360 * kSecond);
  EXPECT_EQ(d.slowest_steps[1].name, "from-build-pack / test");
  EXPECT_EQ(d.slowest_steps[2].name, "lint");  // a step without a task attribute of its own
  for (const auto& s : d.slowest_steps) {
    EXPECT_EQ(s.name.find("pull "), std::string::npos) << "image pulls are not steps";
    EXPECT_NE(s.name, "scheduling");
    EXPECT_NE(s.name, "queued");
  }
}

TEST_F(PipelineStatsTest, DetailKeepsTheLastRunsAndUnknownPipelinesAreAbsent) {
  auto detail = store_->pipeline_detail("pr-build", 2);
  ASSERT_TRUE(detail && detail->has_value());
  EXPECT_EQ((*detail)->runs.size(), 2u);
  EXPECT_EQ((*detail)->stats.runs, 6);  // statistics still cover every run
  auto missing = store_->pipeline_detail("no-such-pipeline");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
}

TEST(PipelineStatsMirrors, APipelineActivityNextToThePipelineRunIsNotCountedTwice) {
  testing::TempDir dir;
  StoreOptions options;
  options.data_dir = dir.str();
  auto store = TraceStore::open(options);
  ASSERT_TRUE(store) << store.error();
  auto spec = examples::failing_pr_spec();
  spec.with_activity = true;
  ASSERT_TRUE((*store)->put(examples::example_run(spec)));
  auto detail = (*store)->pipeline_detail("pr-build");
  ASSERT_TRUE(detail && detail->has_value());
  std::vector<std::string> tasks, steps;
  for (const auto& t : (**detail).slowest_tasks) tasks.push_back(t.name);
  for (const auto& s : (**detail).slowest_steps) steps.push_back(s.name);
  EXPECT_EQ(tasks, (std::vector<std::string>{"from-build-pack", "lint"}));
  EXPECT_EQ(steps, (std::vector<std::string>{"from-build-pack / build", "from-build-pack / test", "lint",
                                             "from-build-pack / git-clone"}));
  // The activity names its own pipeline, but under the job it is part of the job's run.
  auto stats = (*store)->pipeline_stats();
  ASSERT_TRUE(stats);
  ASSERT_EQ(stats->size(), 1u);
  EXPECT_EQ((*stats)[0].name, "pr-build");
}

}  // namespace
}  // namespace pipetrace
