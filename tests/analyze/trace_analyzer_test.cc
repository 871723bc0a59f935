// pipetrace analyze on the example traces: the critical path and top slow
// step of the failing run, the waiting/pulling/running split, image pulls
// from spans or from kubelet events, and the totals over many runs.
#include "analyze/trace_analyzer.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "../store/example_traces.h"
#include "analyze/analysis_report.h"

namespace pipetrace {
namespace {

using examples::kSecond;

std::vector<std::string> path_names(const PipelineRunAnalysis& run) {
  std::vector<std::string> out;
  for (const auto& e : run.critical_path) out.push_back(std::string(static_cast<std::size_t>(e.depth), '.') + e.name);
  return out;
}

PipelineRunAnalysis only_run(const std::vector<Span>& spans) {
  auto runs = analyze_trace(spans, {});
  EXPECT_EQ(runs.size(), 1u);
  return runs.empty() ? PipelineRunAnalysis{} : runs.front();
}

TEST(TraceAnalyzer, CriticalPathOfTheFailingRunEndsInTheFailingStep) {
  const SpanBatch batch = examples::example_run(examples::failing_pr_spec());
  const PipelineRunAnalysis run = only_run(batch.spans);
  EXPECT_EQ(run.pipeline, "pr-build");
  EXPECT_EQ(run.result, "failure");
  EXPECT_EQ(run.duration(), 610 * kSecond);
  const std::string run_name = "web-app-pr-42-pr-build-failing-pr-42";
  // lint runs in parallel and finishes early, so it is not on the path.
  EXPECT_EQ(path_names(run), (std::vector<std::string>{
                                 "LighthouseJob pr-build",
                                 ".queued",
                                 ".PipelineRun " + run_name,
                                 "..TaskRun from-build-pack",
                                 "...Pod " + run_name + "-from-build-pack-pod",
                                 "....scheduling",
                                 "....pull gcr.io/jenkinsxio/builder-maven:2.1.150",
                                 "....step git-clone",
                                 "....step build",
                                 "....step test",
                             }));
  const CriticalPathEntry& last = run.critical_path.back();
  EXPECT_TRUE(last.error);
  EXPECT_EQ(last.end - last.start, 188 * kSecond);
  // The job's own time: 2 s after the PipelineRun ended.
  EXPECT_EQ(run.critical_path.front().self_time, 2 * kSecond);
  // The gap between the scheduling wait and the pull (25 s -> 26 s) and the
  // 2 s before git-clone belong to the pod.
  EXPECT_EQ(run.critical_path[4].self_time, (1 + 2 + 2) * kSecond);
}

TEST(TraceAnalyzer, TopSlowStepIsTheBuild) {
  const PipelineRunAnalysis run = only_run(examples::example_run(examples::failing_pr_spec()).spans);
  ASSERT_GE(run.slowest_steps.size(), 3u);
  EXPECT_EQ(run.slowest_steps[0].name, "from-build-pack / build");
  EXPECT_EQ(run.slowest_steps[0].duration, 315 * kSecond);
  EXPECT_FALSE(run.slowest_steps[0].error);
  EXPECT_EQ(run.slowest_steps[1].name, "from-build-pack / test");
  EXPECT_TRUE(run.slowest_steps[1].error);
  EXPECT_EQ(run.slowest_steps[2].name, "lint / lint");
  for (const auto& s : run.slowest_steps) {
    EXPECT_EQ(s.span_name.find("pull "), std::string::npos) << "an image pull is not a step";
  }
}

TEST(TraceAnalyzer, SplitsTheRunIntoWaitingPullingAndRunning) {
  const PipelineRunAnalysis run = only_run(examples::example_run(examples::failing_pr_spec()).spans);
  // Waiting: queued 2-8 s and scheduling 10-25 s (lint's 10-12 s overlaps).
  EXPECT_EQ(run.time.waiting, 21 * kSecond);
  // Pulling: 13-90 s, of which 13-25 s already counts as waiting.
  EXPECT_EQ(run.time.pulling, 65 * kSecond);
  EXPECT_EQ(run.time.running, (610 - 21 - 65) * kSecond);
  EXPECT_EQ(run.time.total, 610 * kSecond);
}

TEST(TraceAnalyzer, PullSpansAndTheirEventsCountOnce) {
  const PipelineRunAnalysis run = only_run(examples::example_run(examples::failing_pr_spec()).spans);
  ASSERT_EQ(run.pulls.size(), 2u);
  EXPECT_EQ(run.pulls[0].image, "golangci/golangci-lint:v1.55");
  EXPECT_EQ(run.pulls[0].duration(), 45 * kSecond);
  EXPECT_EQ(run.pulls[1].image, "gcr.io/jenkinsxio/builder-maven:2.1.150");
  EXPECT_EQ(run.pulls[1].duration(), 64 * kSecond);
}

TEST(TraceAnalyzer, ReadsWaitsAndPullsFromEventsWhenNoSpanShowsThem) {
  // Spans from a producer that keeps kubelet events but makes no wait spans.
  std::vector<Span> spans = examples::example_run(examples::failing_pr_spec()).spans;
  std::erase_if(spans, [](const Span& s) { return s.name == "scheduling" || s.name.starts_with("pull "); });
  const PipelineRunAnalysis run = only_run(spans);
  EXPECT_EQ(run.time.waiting, 21 * kSecond);
  EXPECT_EQ(run.time.pulling, 65 * kSecond);
  ASSERT_EQ(run.pulls.size(), 2u);
  EXPECT_EQ(run.pulls[1].image, "gcr.io/jenkinsxio/builder-maven:2.1.150");
  EXPECT_EQ(run.pulls[1].duration(), 64 * kSecond);
}

TEST(TraceAnalyzer, ATraceWithoutPipelineAttributesIsAnalysedFromItsRoot) {
  std::vector<Span> spans = examples::example_run(examples::failing_pr_spec()).spans;
  for (auto& s : spans) {
    std::erase_if(s.attributes, [](const Attribute& a) { return a.key == "cicd.pipeline.name"; });
  }
  const PipelineRunAnalysis run = only_run(spans);
  EXPECT_EQ(run.root_name, "pull_request.opened acme/web-app");
  EXPECT_EQ(run.critical_path.back().name, "step test");
}

TEST(TraceAnalyzer, ImagesPulledMostOverManyRuns) {
  std::vector<PipelineRunAnalysis> runs;
  for (const auto& batch : examples::example_history()) {
    auto found = analyze_trace(batch.spans, {});
    runs.insert(runs.end(), found.begin(), found.end());
  }
  const AnalysisReport report = build_report(runs, {});
  ASSERT_EQ(report.runs.size(), 8u);
  EXPECT_TRUE(std::is_sorted(report.runs.begin(), report.runs.end(),
                             [](const auto& a, const auto& b) { return a.start < b.start; }));
  ASSERT_EQ(report.images.size(), 3u);
  EXPECT_EQ(report.images[0].image, "golangci/golangci-lint:v1.55");
  EXPECT_EQ(report.images[0].count, 8);
  EXPECT_EQ(report.images[0].total, 8 * 45 * kSecond);
  EXPECT_EQ(report.images[1].image, "gcr.io/jenkinsxio/builder-maven:2.1.150");
  EXPECT_EQ(report.images[1].count, 5);
  EXPECT_EQ(report.images[2].image, "gcr.io/jenkinsxio/builder-go:2.1.150");
  EXPECT_EQ(report.images[2].count, 3);
}

TEST(AnalysisReport, TextNamesThePathTheFailureAndTheImages) {
  const AnalysisReport report = build_report(analyze_trace(examples::example_run(examples::failing_pr_spec()).spans, {}), {});
  const std::string text = render_text(report);
  EXPECT_NE(text.find("Pipeline run pr-build (web-app-pr-42-pr-build-failing-pr-42) — failure, 10m10s"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("step test"), std::string::npos);
  EXPECT_NE(text.find("FAILED"), std::string::npos);
  EXPECT_NE(text.find("5m15s  from-build-pack / build"), std::string::npos) << text;
  EXPECT_NE(text.find("waiting 21s (3%) · pulling images 1m05s (11%) · running 8m44s (86%)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("Images pulled most (2 pulls in 1 runs)"), std::string::npos) << text;

  const auto json = render_json(report);
  ASSERT_EQ(json["runs"].size(), 1u);
  EXPECT_EQ(json["runs"][0]["criticalPath"].back()["name"], "step test");
  EXPECT_EQ(json["runs"][0]["slowestSteps"][0]["durationSeconds"], 315.0);
  EXPECT_EQ(json["runs"][0]["time"]["waitingSeconds"], 21.0);
}

TEST(AnalysisReport, DurationsReadLikeATerminalTool) {
  EXPECT_EQ(format_span_duration(850 * 1'000'000LL), "850ms");
  EXPECT_EQ(format_span_duration(42 * kSecond), "42s");
  EXPECT_EQ(format_span_duration(315 * kSecond), "5m15s");
  EXPECT_EQ(format_span_duration(3720 * kSecond), "1h02m");
}

}  // namespace
}  // namespace pipetrace

namespace pipetrace {
namespace {

TEST(TraceAnalyzer, FollowsTheTektonSideWhereAPipelineActivityMirrorsIt) {
  auto spec = examples::failing_pr_spec();
  spec.with_activity = true;
  const PipelineRunAnalysis run = only_run(examples::example_run(spec).spans);
  // The activity ends a second after the PipelineRun, but restates it: the
  // path still goes through the TaskRun's pod, and steps are counted once.
  ASSERT_GE(run.critical_path.size(), 3u);
  EXPECT_EQ(run.critical_path[2].name, "PipelineRun web-app-pr-42-pr-build-failing-pr-42");
  EXPECT_EQ(run.critical_path.back().name, "step test");
  EXPECT_EQ(run.critical_path.front().self_time, 2 * kSecond);
  ASSERT_GE(run.slowest_steps.size(), 2u);
  EXPECT_EQ(run.slowest_steps[0].name, "from-build-pack / build");
  EXPECT_EQ(run.slowest_steps[1].name, "from-build-pack / test");
}

}  // namespace
}  // namespace pipetrace
