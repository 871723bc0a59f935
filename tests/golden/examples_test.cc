// Golden traces of the bundled example scenarios, and determinism: the same
// recording shuffled gives identical spans.
#include <algorithm>
#include <random>

#include "golden_support.h"

namespace pipetrace::golden {
namespace {

namespace fs = std::filesystem;

fs::path examples_dir() { return fs::path(PIPETRACE_SOURCE_DIR) / "examples"; }

std::vector<std::string> scenarios() {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(examples_dir())) {
    if (fs::exists(entry.path() / "recording.jsonl")) out.push_back(entry.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Examples, ThereAreAPassingAndAFailingScenario) {
  auto names = scenarios();
  EXPECT_NE(std::find(names.begin(), names.end(), "passing"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "failing"), names.end());
}

class ExampleScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(ExampleScenario, MatchesItsGoldenTrace) {
  fs::path dir = examples_dir() / GetParam();
  ReplayResult r;
  auto events = read_events({(dir / "recording.jsonl").string()}, &r);
  EXPECT_TRUE(r.problems.empty()) << r.problems.front().file << ":" << r.problems.front().line << " "
                                  << r.problems.front().reason;
  auto result = replay_events(events);
  ASSERT_FALSE(result.spans.empty());
  // One git event, one trace, one root.
  auto roots = std::count_if(result.spans.begin(), result.spans.end(),
                             [](const Span& s) { return s.parent_span_id.empty(); });
  EXPECT_EQ(roots, 1);
  for (const Span& s : result.spans) {
    EXPECT_EQ(s.trace_id, result.spans.front().trace_id) << s.name;
    EXPECT_LE(s.start, s.end) << s.name;
    EXPECT_EQ(s.find_attribute("pipetrace.synthesized"), nullptr) << s.name;
  }
  expect_golden(render(result.spans), dir / "expected-trace.txt");
}

TEST_P(ExampleScenario, ShuffledEventsGiveIdenticalSpans) {
  auto events = read_events({(examples_dir() / GetParam() / "recording.jsonl").string()});
  auto reference = replay_events(events).spans;
  std::mt19937 rng(7);
  for (int i = 0; i < 5; ++i) {
    std::shuffle(events.begin(), events.end(), rng);
    EXPECT_EQ(replay_events(events).spans, reference) << "shuffle " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(All, ExampleScenario, ::testing::ValuesIn(scenarios()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace pipetrace::golden
