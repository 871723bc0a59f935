// `pipetrace record` as a user runs it: against the test API server, it
// writes every observed event as a whole JSON line with observedAt, and
// SIGINT ends it cleanly with the file complete.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <sstream>

#include "kube_test_support.h"
#include "model/time.h"

namespace pipetrace::kube {
namespace {

using kube_test::ChildProcess;
using kube_test::eventually;
using kube_test::fixture;

std::vector<std::string> file_lines(const std::string& path) {
  std::istringstream text(ChildProcess::read_text(path));
  std::vector<std::string> lines;
  for (std::string line; std::getline(text, line);) lines.push_back(line);
  return lines;
}

class RecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(cluster_.error(), "");
    kube_test::load_pipeline_fixtures(cluster_.server());
    kubeconfig_ = cluster_.write_kubeconfig();
    output_ = cluster_.dir() + "/recording.jsonl";
  }
  testing::TestCluster cluster_;
  std::string kubeconfig_;
  std::string output_;
};

TEST_F(RecordTest, WritesEveryEventAsACompleteLineAndStopsCleanlyOnSigint) {
  ChildProcess record({PIPETRACE_BINARY, "record", "--kubeconfig", kubeconfig_, "--namespace", "jx", "--kinds",
                       "pipelineruns,pods,lighthousejobs", "-o", output_},
                      cluster_.dir() + "/record.out", cluster_.dir() + "/record.err");
  ASSERT_TRUE(record.started());
  // 3 PipelineRuns, 2 CI pods, 1 LighthouseJob in jx.
  ASSERT_TRUE(eventually([&] { return file_lines(output_).size() >= 6; }))
      << ChildProcess::read_text(cluster_.dir() + "/record.err");
  auto completed = kube_test::read_object_file(fixture("tekton/jx-controller-completed-generated.pipelineruns.yaml"));
  for (const auto& run : completed.objects) ASSERT_LT(cluster_.server().apply(run).status, 300);
  ASSERT_TRUE(eventually([&] {
    std::size_t modified = 0;
    for (const auto& line : file_lines(output_))
      if (line.find("\"type\":\"MODIFIED\"") != std::string::npos) ++modified;
    return modified == completed.objects.size();
  }));

  record.signal(SIGINT);
  auto result = record.wait(std::chrono::seconds(10));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("SIGINT received"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("wrote"), std::string::npos) << result.err;

  std::string text = ChildProcess::read_text(output_);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  std::map<std::string, int> types;
  std::map<std::string, int> kinds;
  for (const auto& line : file_lines(output_)) {
    auto event = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(event.is_object()) << line.substr(0, 200);
    ASSERT_TRUE(event.contains("observedAt"));
    std::string observed = event["observedAt"];
    EXPECT_TRUE(parse_time(observed).has_value()) << observed;
    EXPECT_EQ(observed.size(), std::string("2026-01-02T03:04:05.123456789Z").size()) << observed;
    std::string type = event["type"];
    types[type]++;
    if (type == "BOOKMARK") continue;
    kinds[event["object"]["kind"]]++;
    EXPECT_EQ(event["object"]["metadata"]["namespace"], "jx");
  }
  EXPECT_EQ(types["ADDED"], 6);
  EXPECT_EQ(types["MODIFIED"], 2);
  EXPECT_EQ(kinds["PipelineRun"], 5);
  EXPECT_EQ(kinds["Pod"], 2);
  EXPECT_EQ(kinds["LighthouseJob"], 1);

  // The recording reads back through replay: every event taken, no line skipped.
  auto replay = kube_test::run_process({PIPETRACE_BINARY, "replay", output_, "--print", "none"}, cluster_.dir());
  EXPECT_EQ(replay.exit_code, 0) << replay.err;
  EXPECT_NE(replay.err.find("replay: 8 events"), std::string::npos) << replay.err;
  EXPECT_NE(replay.err.find(" 0 lines or documents skipped"), std::string::npos) << replay.err;
}

TEST_F(RecordTest, BadArgumentsAndConfigurationAreClearErrors) {
  auto unknown_kind = kube_test::run_process(
      {PIPETRACE_BINARY, "record", "--kubeconfig", kubeconfig_, "--kinds", "deployments", "-o", output_},
      cluster_.dir());
  EXPECT_EQ(unknown_kind.exit_code, 2);
  EXPECT_NE(unknown_kind.err.find("unknown kind 'deployments'"), std::string::npos) << unknown_kind.err;

  auto no_config = kube_test::run_process(
      {PIPETRACE_BINARY, "record", "--kubeconfig", cluster_.dir() + "/absent", "-o", output_}, cluster_.dir());
  EXPECT_EQ(no_config.exit_code, 2);
  EXPECT_NE(no_config.err.find("cannot read kubeconfig " + cluster_.dir() + "/absent"), std::string::npos)
      << no_config.err;

  auto no_output = kube_test::run_process({PIPETRACE_BINARY, "record", "--kubeconfig", kubeconfig_}, cluster_.dir());
  EXPECT_NE(no_output.exit_code, 0);
  EXPECT_NE(no_output.err.find("--output"), std::string::npos) << no_output.err;
}

}  // namespace
}  // namespace pipetrace::kube
