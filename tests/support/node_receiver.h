// tests/otlp-decoder/receiver.js as a child process, for every test that
// needs a collector we did not write: the stand-in built only on
// @opentelemetry/otlp-transformer and @grpc/grpc-js, listening on HTTP
// (protobuf and JSON) and gRPC on loopback, writing what it received as JSON
// lines. Stopped with SIGTERM.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace pipetrace::test_support {

inline const std::filesystem::path kDecoderDir =
    std::filesystem::path(PIPETRACE_SOURCE_DIR) / "tests" / "otlp-decoder";

inline bool node_receiver_installed() {
  return std::filesystem::exists(kDecoderDir / "node_modules" / "@grpc" / "grpc-js");
}

class NodeReceiver {
 public:
  // `options` are receiver.js's own (--http-port N, --fail-first N, ...).
  explicit NodeReceiver(std::filesystem::path out, const std::vector<std::string>& options = {})
      : out_(std::move(out)) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    std::vector<std::string> args = {"node", (kDecoderDir / "receiver.js").string(), "--out", out_.string()};
    args.insert(args.end(), options.begin(), options.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execvp("node", argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    // The first line tells the ports; node and grpc-js take a moment to load.
    std::string line;
    pollfd wait{fds[0], POLLIN, 0};
    while (line.find('\n') == std::string::npos && ::poll(&wait, 1, 20'000) > 0) {
      char buffer[256];
      const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
      if (n <= 0) break;
      line.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    const nlohmann::json ports = nlohmann::json::parse(line, nullptr, false);
    if (ports.is_object()) {
      http_port_ = ports.value("http", 0);
      grpc_port_ = ports.value("grpc", 0);
    }
  }
  ~NodeReceiver() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  NodeReceiver(const NodeReceiver&) = delete;
  NodeReceiver& operator=(const NodeReceiver&) = delete;

  bool started() const { return http_port_ > 0 && grpc_port_ > 0; }
  int http_port() const { return http_port_; }
  int grpc_port() const { return grpc_port_; }
  std::string http_url() const { return "http://127.0.0.1:" + std::to_string(http_port_) + "/v1/traces"; }
  std::string grpc_endpoint() const { return "http://127.0.0.1:" + std::to_string(grpc_port_); }

  const std::filesystem::path& out() const { return out_; }

  // Every line received so far.
  std::vector<nlohmann::json> lines() const {
    std::vector<nlohmann::json> out;
    std::ifstream in(out_);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) out.push_back(nlohmann::json::parse(line, nullptr, false));
    }
    return out;
  }

 private:
  std::filesystem::path out_;
  pid_t pid_ = -1;
  int http_port_ = 0;
  int grpc_port_ = 0;
};

}  // namespace pipetrace::test_support
