// `pipetrace serve --config FILE.yaml` in the program itself: a bad key stops
// start-up with a message naming it and the file, and a setting in the file
// wins over the environment variable serve would otherwise read.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "../kube/kube_test_support.h"

namespace pipetrace::serve {
namespace {

class ServeConfigFileProgram : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            ("serve_config_program_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& text) {
    std::string path = dir_ + "/serve.yaml";
    std::ofstream(path) << text;
    return path;
  }
  std::string dir_;
};

TEST_F(ServeConfigFileProgram, AnUnknownKeyStopsStartUpNamingKeyAndFile) {
  std::string file = write("no-watch: true\nlisten-adress: \"127.0.0.1:0\"\n");
  auto run = kube_test::run_process({PIPETRACE_BINARY, "serve", "--config", file}, dir_, std::chrono::seconds(20));
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("listen-adress"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(file), std::string::npos) << run.err;
}

TEST_F(ServeConfigFileProgram, TheFileWinsOverTheEnvironment) {
  // The environment names a loopback collector, which would be accepted; the
  // file names a remote one in plain text, which start-up must refuse, and
  // the message names the setting to change.
  std::string file = write(
      "no-watch: true\nno-store: true\nlisten-addr: \"127.0.0.1:0\"\nlighthouse-hmac-key: k\n"
      "data-dir: " + dir_ + "/data\n"
      "traces-exporter-endpoint: collector.example.com:4318\n");
  ::setenv("TRACES_EXPORTER_TYPE", "otlp:http:insecure", 1);
  ::setenv("TRACES_EXPORTER_ENDPOINT", "127.0.0.1:4318", 1);
  auto run = kube_test::run_process({PIPETRACE_BINARY, "serve", "--config", file}, dir_, std::chrono::seconds(20));
  ::unsetenv("TRACES_EXPORTER_TYPE");
  ::unsetenv("TRACES_EXPORTER_ENDPOINT");
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("collector.example.com"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("--traces-exporter-endpoint"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace pipetrace::serve
