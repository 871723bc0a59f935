// `pipetrace analyze` end to end on the recorded failing example: replay it
// to OTLP/JSON lines, analyse them, and check the critical path and the top
// slow step of the failed release run.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "../store/temp_dir.h"

namespace pipetrace {
namespace {

// Runs a command; returns its standard output and sets the exit status.
std::string run(const std::string& command, int& status) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    status = -1;
    return out;
  }
  std::array<char, 4096> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) out.append(buffer.data(), n);
  status = pclose(pipe);
  return out;
}

TEST(AnalyzeCommand, FailingExampleCriticalPathAndTopSlowStep) {
  ASSERT_TRUE(std::filesystem::exists(PIPETRACE_BINARY)) << "build the pipetrace target first";
  const std::string recording = std::string(PIPETRACE_SOURCE_DIR) + "/examples/failing/recording.jsonl";
  ASSERT_TRUE(std::filesystem::exists(recording));
  testing::TempDir dir;
  const std::string traces = (dir.path() / "failing.jsonl").string();

  int status = 0;
  run(std::string(PIPETRACE_BINARY) + " replay " + recording + " -o jsonl:" + traces + " --print none 2>/dev/null",
      status);
  ASSERT_EQ(status, 0);
  const std::string out = run(std::string(PIPETRACE_BINARY) + " analyze --input " + traces + " --json 2>/dev/null", status);
  ASSERT_EQ(status, 0) << out;
  const auto report = nlohmann::json::parse(out);

  const nlohmann::json* release = nullptr;
  for (const auto& r : report["runs"]) {
    if (r["pipeline"] == "release") release = &r;
  }
  ASSERT_NE(release, nullptr) << out;
  EXPECT_EQ((*release)["result"], "failure");
  // The release job ran for an hour because its promote step hung and failed;
  // the path goes job -> PipelineRun -> TaskRun -> pod -> that step, not
  // through the PipelineActivity that restates the same run.
  const auto& path = (*release)["criticalPath"];
  ASSERT_GE(path.size(), 4u);
  EXPECT_EQ(path[0]["name"], "LighthouseJob release");
  EXPECT_EQ(path[1]["name"].get<std::string>().rfind("PipelineRun ", 0), 0u) << path[1]["name"];
  EXPECT_EQ(path[2]["name"], "TaskRun from-build-pack");
  EXPECT_EQ(path.back()["name"], "step promote-jx-promote");
  EXPECT_EQ(path.back()["error"], true);
  const auto& top = (*release)["slowestSteps"][0];
  EXPECT_EQ(top["name"], "from-build-pack / promote-jx-promote");
  EXPECT_GT(top["durationSeconds"].get<double>(), 3000.0);
  EXPECT_EQ(top["error"], true);

  // The text form says the same for a person.
  const std::string text = run(std::string(PIPETRACE_BINARY) + " analyze --input " + traces + " 2>/dev/null", status);
  EXPECT_NE(text.find("Pipeline run release"), std::string::npos) << text;
  EXPECT_NE(text.find("from-build-pack / promote-jx-promote  FAILED"), std::string::npos) << text;
  EXPECT_NE(text.find("Images pulled most"), std::string::npos) << text;
}

TEST(AnalyzeCommand, NeedsExactlyOneSource) {
  ASSERT_TRUE(std::filesystem::exists(PIPETRACE_BINARY));
  int status = 0;
  run(std::string(PIPETRACE_BINARY) + " analyze 2>/dev/null", status);
  EXPECT_NE(status, 0);
  run(std::string(PIPETRACE_BINARY) + " analyze --input /nonexistent.jsonl 2>/dev/null", status);
  EXPECT_NE(status, 0);
}

}  // namespace
}  // namespace pipetrace
