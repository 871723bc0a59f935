// The `pipetrace serve` program itself: the plain-text rule at start-up
// (refused for a remote endpoint with a message naming the flag, accepted for
// loopback), --help, and a graceful exit on SIGTERM.
#include <gtest/gtest.h>

#include <regex>
#include <httplib.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "serve_test_support.h"

extern char** environ;

namespace pipetrace::serve {
namespace {

struct Child {
  pid_t pid = -1;
  std::string stderr_path;
  std::string stdout_path;
};

Child spawn_pipetrace(const std::vector<std::string>& args) {
  static int counter = 0;
  Child child;
  auto dir = std::filesystem::temp_directory_path();
  std::string stem = "serve_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  child.stderr_path = (dir / (stem + ".err")).string();
  child.stdout_path = (dir / (stem + ".out")).string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, child.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, child.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> all{PIPETRACE_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (posix_spawn(&child.pid, PIPETRACE_BINARY, &actions, nullptr, argv.data(), environ) != 0) child.pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return child;
}

// Exit code, or -1 when it did not end within `limit` (then it is killed).
int wait_exit(pid_t pid, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return -1;
}

// The port serve says it listens on ("listening on ADDR (port N)"), or 0.
int announced_port(const std::string& log) {
  static const std::regex listening(R"(listening on \S+ \(port ([0-9]+)\))");
  std::smatch match;
  return std::regex_search(log, match, listening) ? std::stoi(match[1]) : 0;
}

TEST(ServeBinary, RefusesPlainTextToARemoteCollector) {
  Child child = spawn_pipetrace({"serve", "--no-watch", "--no-store", "--listen-addr", "127.0.0.1:0",
                                 "--lighthouse-hmac-key", "k", "--traces-exporter-type", "otlp:http:insecure",
                                 "--traces-exporter-endpoint", "collector.example.com:4318"});
  ASSERT_GT(child.pid, 0);
  EXPECT_EQ(wait_exit(child.pid, std::chrono::seconds(20)), 2);
  std::string err = testing::read_file(child.stderr_path);
  EXPECT_NE(err.find("collector.example.com"), std::string::npos) << err;
  EXPECT_NE(err.find("--traces-exporter-endpoint"), std::string::npos) << err;
  std::filesystem::remove(child.stderr_path);
  std::filesystem::remove(child.stdout_path);
}

TEST(ServeBinary, AcceptsPlainTextToLoopbackAndStopsOnSigterm) {
  testing::OtlpReceiver receiver;
  // --no-spool: no state is left in the working directory (tests/faults runs the spool).
  Child child = spawn_pipetrace({"serve", "--no-watch", "--no-store", "--no-spool", "--listen-addr", "127.0.0.1:0",
                                 "--lighthouse-hmac-key", "k", "--traces-exporter-type", "otlp:http:insecure",
                                 "--traces-exporter-endpoint", "127.0.0.1:" + std::to_string(receiver.port())});
  ASSERT_GT(child.pid, 0);
  int port = 0;  // serve picks a free one and says which
  for (int i = 0; i < 400 && port == 0; ++i) {
    port = announced_port(testing::read_file(child.stderr_path));
    if (port == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_GT(port, 0) << testing::read_file(child.stderr_path);
  httplib::Client client("127.0.0.1", port);
  bool healthy = false;
  for (int i = 0; i < 200 && !healthy; ++i) {
    auto res = client.Get("/healthz");
    healthy = res && res->status == 200;
    if (!healthy) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(healthy) << testing::read_file(child.stderr_path);
  kill(child.pid, SIGTERM);
  EXPECT_EQ(wait_exit(child.pid, std::chrono::seconds(20)), 0) << testing::read_file(child.stderr_path);
  std::filesystem::remove(child.stderr_path);
  std::filesystem::remove(child.stdout_path);
}

TEST(ServeBinary, HelpDocumentsTheDropInFlags) {
  Child child = spawn_pipetrace({"serve", "--help"});
  ASSERT_GT(child.pid, 0);
  EXPECT_EQ(wait_exit(child.pid, std::chrono::seconds(20)), 0);
  std::string out = testing::read_file(child.stdout_path);
  for (const char* flag : {"--namespace", "--resync-interval", "--child-pr-delay", "--listen-addr",
                           "--lighthouse-hmac-key", "--traces-exporter-type", "--traces-exporter-endpoint",
                           "--kubeconfig", "--context", "--no-watch", "--no-annotate", "--data-dir", "--max-body-bytes",
                           "OTEL_EXPORTER_OTLP"}) {
    EXPECT_NE(out.find(flag), std::string::npos) << flag;
  }
  std::filesystem::remove(child.stderr_path);
  std::filesystem::remove(child.stdout_path);
}

}  // namespace
}  // namespace pipetrace::serve
