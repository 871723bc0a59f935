// `pipetrace replay` exit status: an input that cannot be read is an error
// the caller must see (exit 1), while the inputs that could be read are
// still traced.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace pipetrace {
namespace {

int run(const std::string& command, std::string& output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  std::array<char, 4096> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) output.append(buffer.data(), n);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::size_t count_lines(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) n += line.empty() ? 0 : 1;
  return n;
}

class ReplayCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(PIPETRACE_BINARY)) << "build the pipetrace target first";
    out_ = std::filesystem::temp_directory_path() / ("pipetrace-replay-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(out_);
  }
  void TearDown() override { std::filesystem::remove_all(out_); }
  std::filesystem::path out_;
  const std::string recording_ = std::string(PIPETRACE_SOURCE_DIR) + "/examples/passing/recording.jsonl";
};

TEST_F(ReplayCommand, ReadableInputsExitZero) {
  std::string output;
  const auto traces = out_ / "ok.jsonl";
  EXPECT_EQ(run(std::string(PIPETRACE_BINARY) + " replay " + recording_ + " -o jsonl:" + traces.string() +
                    " --print none",
                output),
            0)
      << output;
  EXPECT_GT(count_lines(traces), 0u);
}

TEST_F(ReplayCommand, AnUnreadableInputExitsOneButTheOthersAreStillTraced) {
  std::string output;
  const auto traces = out_ / "partial.jsonl";
  const std::string missing = (out_ / "no-such-recording.jsonl").string();
  EXPECT_EQ(run(std::string(PIPETRACE_BINARY) + " replay " + missing + " " + recording_ + " -o jsonl:" +
                    traces.string() + " --print none",
                output),
            1)
      << output;
  EXPECT_NE(output.find("no-such-recording.jsonl"), std::string::npos) << output;
  EXPECT_NE(output.find("could not be read"), std::string::npos) << output;
  EXPECT_GT(count_lines(traces), 0u) << "the readable recording must still be replayed";
}

}  // namespace
}  // namespace pipetrace
