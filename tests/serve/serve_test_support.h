// Shared by the serve tests: an OTLP/HTTP receiver on loopback (cpp-httplib +
// the project's protobuf decoder), fixture reading and signing helpers.
#pragma once

#include <httplib.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "model/span.h"
#include "sinks/otlp_proto_decoder.h"

namespace pipetrace::serve::testing {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string fixture(const std::string& relative) {
  return read_file(std::string(PIPETRACE_TESTDATA) + "/fixtures/" + relative);
}

// Collects every span POSTed to /v1/traces as OTLP protobuf.
class OtlpReceiver {
 public:
  // `status`: what every export is answered with (400: the collector refuses).
  explicit OtlpReceiver(int status = 200) : status_(status) {
    server_.Post("/v1/traces", [this](const httplib::Request& req, httplib::Response& res) {
      OtlpDecodeResult decoded = decode_otlp_proto(req.body);
      std::lock_guard lock(mutex_);
      ++requests_;
      for (auto& batch : decoded.batches) {
        for (auto& span : batch.spans) spans_.push_back(span);
      }
      res.status = status_;
      res.set_content("", "application/x-protobuf");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // Bound means listening: connections queue until the thread accepts them.
  }
  ~OtlpReceiver() {
    server_.stop();
    thread_.join();
  }

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1/traces"; }
  std::vector<Span> spans() const {
    std::lock_guard lock(mutex_);
    return spans_;
  }

 private:
  int status_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<Span> spans_;
  int requests_ = 0;
};

}  // namespace pipetrace::serve::testing
