// The smaller parts of `serve`: listen addresses, watch lines to events, the
// PipelineRun span reader.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "serve/serve_config.h"
#include "serve/span_observer_sink.h"
#include "serve/watch_feed.h"

namespace pipetrace::serve {
namespace {

TEST(ListenAddress, AcceptsThePluginFormAndHostPort) {
  ListenAddress a;
  EXPECT_EQ(parse_listen_address(":8080", a), "");
  EXPECT_EQ(a.host, "0.0.0.0");
  EXPECT_EQ(a.port, 8080);
  EXPECT_EQ(parse_listen_address("127.0.0.1:0", a), "");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 0);
  EXPECT_EQ(parse_listen_address("[::1]:9000", a), "");
  EXPECT_EQ(a.host, "::1");
  EXPECT_NE(parse_listen_address("8080", a), "");
  EXPECT_NE(parse_listen_address(":http", a), "");
  EXPECT_NE(parse_listen_address(":70000", a), "");
}

TEST(WatchLines, BecomeEventsOfTheirKind) {
  std::ifstream in(std::string(PIPETRACE_SOURCE_DIR) + "/examples/passing/recording.jsonl");
  std::string line;
  std::size_t pipeline_runs = 0, events = 0;
  while (std::getline(in, line)) {
    if (line.starts_with(R"({"type":"WEBHOOK")")) continue;
    std::string type = line.substr(9, line.find('"', 9) - 9);
    std::string problem;
    auto event = event_from_watch_line(type, line, 42, "", problem);
    EXPECT_TRUE(problem.empty()) << problem;
    if (!event) continue;
    ++events;
    EXPECT_EQ(event->observed_at, 42);
    EXPECT_EQ(event->type, type == "ADDED" ? WatchType::Added : type == "DELETED" ? WatchType::Deleted : WatchType::Modified);
    if (std::holds_alternative<PipelineRunRecord>(event->record)) ++pipeline_runs;
  }
  EXPECT_GT(events, 100u);
  EXPECT_GT(pipeline_runs, 2u);
}

TEST(WatchLines, BookmarksAndBrokenLinesGiveNoEvent) {
  std::string problem;
  EXPECT_FALSE(event_from_watch_line("BOOKMARK", R"({"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"5"}}})", 1, "", problem));
  EXPECT_TRUE(problem.empty());
  EXPECT_FALSE(event_from_watch_line("ADDED", R"({"type":"ADDED"})", 1, "", problem));
  EXPECT_FALSE(problem.empty());
}

TEST(PipelineRunSpans, AreReadWithDurationAndResult) {
  Span s;
  s.name = "PipelineRun build";
  s.start = 1'000'000'000;
  s.end = 4'500'000'000;
  s.attributes = {{"k8s.object.kind", std::string("PipelineRun")}, {"k8s.object.name", std::string("build-x1")},
                  {"k8s.namespace.name", std::string("jx")}, {"cicd.pipeline.name", std::string("build")},
                  {"cicd.pipeline.result", std::string("failure")}};
  PipelineRunSpan run;
  ASSERT_TRUE(read_pipeline_run_span(s, run));
  EXPECT_EQ(run.pipeline, "build");
  EXPECT_EQ(run.result, "failure");
  EXPECT_EQ(run.ns, "jx");
  EXPECT_EQ(run.name, "build-x1");
  EXPECT_DOUBLE_EQ(run.seconds, 3.5);
  s.attributes.push_back({"pipetrace.span.incomplete", true});
  EXPECT_FALSE(read_pipeline_run_span(s, run));
  s.attributes[0].value = std::string("TaskRun");
  EXPECT_FALSE(read_pipeline_run_span(s, run));
}

}  // namespace
}  // namespace pipetrace::serve
