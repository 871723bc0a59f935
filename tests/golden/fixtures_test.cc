// Every real fixture goes through the reader and the tracer and yields the
// spans it should: one span per traced object, recorded as a golden summary
// per fixture folder, so that any change in what a real object yields shows.
#include <algorithm>
#include <set>

#include "extract/webhook_extractor.h"
#include "golden_support.h"

namespace pipetrace::golden {
namespace {

namespace fs = std::filesystem;

fs::path fixtures_dir() { return fs::path(PIPETRACE_TESTDATA) / "fixtures"; }

std::vector<fs::path> files_under(const std::string& folder) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(fixtures_dir() / folder)) {
    if (!e.is_regular_file()) continue;
    auto ext = e.path().extension().string();
    if (ext == ".json" || ext == ".yaml" || ext == ".yml" || ext == ".jsonl" || ext == ".golden") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The span name prefix each traced kind yields.
std::string expected_prefix(const ResourceRecord& r) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, LighthouseJobRecord>) return "LighthouseJob ";
        if constexpr (std::is_same_v<T, PipelineRunRecord>) return "PipelineRun ";
        if constexpr (std::is_same_v<T, TaskRunRecord>) return "TaskRun ";
        if constexpr (std::is_same_v<T, PipelineActivityRecord>) return "PipelineActivity ";
        if constexpr (std::is_same_v<T, LighthouseActivityRecord>) return "activity ";
        if constexpr (std::is_same_v<T, PodRecord>) return "Pod ";
        return "";
      },
      r);
}

class FixtureFolder : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureFolder, EveryObjectYieldsItsSpan) {
  std::string summary;
  for (const fs::path& file : files_under(GetParam())) {
    ReplayResult r;
    auto events = read_events({file.string()}, &r);
    for (const auto& p : r.problems) {
      if (p.expected) continue;  // an in-stream watch ERROR (410 Gone) is reported, as it should be
      // Empty relayed webhook bodies exist among the fixtures; nothing else may be unusable.
      bool empty_file = fs::file_size(file) == 0;
      EXPECT_TRUE(empty_file) << p.file << ":" << p.line << ": " << p.reason;
    }
    auto result = replay_events(events);
    std::multiset<std::string> names;
    for (const Span& s : result.spans) names.insert(s.name);
    for (const auto& e : events) {
      std::string prefix = expected_prefix(e.record);
      if (prefix.empty()) continue;
      bool found = std::any_of(result.spans.begin(), result.spans.end(),
                               [&](const Span& s) { return s.name.rfind(prefix, 0) == 0; });
      EXPECT_TRUE(found) << file << ": no span starting with '" << prefix << "'";
    }
    for (const Span& s : result.spans) EXPECT_LE(s.start, s.end) << file << ": " << s.name;
    summary += "== " + fs::relative(file, fixtures_dir()).string() + " (" + std::to_string(events.size()) +
               " events, " + std::to_string(r.summary.ignored) + " ignored)\n";
    summary += render(result.spans);
  }
  expect_golden(summary, fs::path(PIPETRACE_SOURCE_DIR) / "tests/golden/fixtures" / (GetParam() + ".txt"));
}

INSTANTIATE_TEST_SUITE_P(All, FixtureFolder,
                         ::testing::Values("tekton", "jx", "lighthouse", "pods", "events", "watch"),
                         [](const auto& info) { return info.param; });

// Webhook bodies as delivered: Lighthouse-relayed go-scm JSON (.golden) and
// the providers' raw payloads. Each non-empty one becomes a trace root.
TEST(WebhookFixtures, EveryDeliveryBecomesARootSpan) {
  struct Form {
    std::string folder;
    std::string source;
    std::string extension;
  };
  std::string summary;
  for (const Form& form : {Form{"webhooks/github", "lighthouse", ".golden"}, Form{"webhooks/gitlab", "lighthouse", ".golden"},
                           Form{"webhooks/github", "github", ".json"}, Form{"webhooks/gitlab", "gitlab", ".json"},
                           Form{"github", "github", ".json"}, Form{"gitlab", "gitlab", ".json"}}) {
    for (const fs::path& file : files_under(form.folder)) {
      if (file.extension() != form.extension) continue;
      std::string body = read_text(file);
      ExtractResult r = extract_webhook(form.source, {}, body);
      if (body.find_first_not_of(" \n\r\t") == std::string::npos) {
        EXPECT_EQ(r.status, ExtractStatus::Error) << file;
        continue;
      }
      ASSERT_EQ(r.status, ExtractStatus::Ok) << file << ": " << r.message;
      ObservedEvent e;
      e.type = WatchType::Webhook;
      e.observed_at = 1600000000LL * 1000000000;
      e.record = *r.record;
      auto result = replay_events({e});
      if (std::holds_alternative<LighthouseActivityRecord>(e.record)) continue;
      ASSERT_EQ(result.spans.size(), 1u) << file;
      const Span& root = result.spans.front();
      EXPECT_TRUE(root.parent_span_id.empty()) << file;
      EXPECT_EQ(root.kind, SpanKind::Server) << file;
      summary += "== " + form.source + " " + fs::relative(file, fixtures_dir()).string() + "\n" + render(result.spans);
    }
  }
  expect_golden(summary, fs::path(PIPETRACE_SOURCE_DIR) / "tests/golden/fixtures/webhooks.txt");
}

}  // namespace
}  // namespace pipetrace::golden
