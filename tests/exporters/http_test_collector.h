// An OTLP/HTTP collector inside the test process: cpp-httplib on 127.0.0.1
// at a random port, answering from a script (status, headers, body) and
// decoding every request it receives with our OTLP decoders, after
// cpp-httplib has undone any gzip Content-Encoding by itself.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "sinks/export_retry.h"
#include "sinks/otlp_json_decoder.h"
#include "sinks/otlp_proto_decoder.h"

namespace pipetrace::testing {

struct ScriptedReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/x-protobuf";
  std::vector<std::pair<std::string, std::string>> headers;
};

struct ReceivedRequest {
  std::string path;
  std::string content_type;
  std::string content_encoding;
  httplib::Headers headers;
  int remote_port = 0;  // the client's port: equal for requests on one kept-alive connection
  OtlpDecodeResult decoded;
  int answered_status = 0;
};

class HttpTestCollector {
 public:
  // Plain HTTP.
  explicit HttpTestCollector(std::vector<ScriptedReply> script = {})
      : HttpTestCollector(std::make_unique<httplib::Server>(), false, std::move(script)) {}

  // HTTPS with the given server certificate and key; with `client_ca`, a
  // client certificate signed by it is required.
  static std::unique_ptr<HttpTestCollector> tls(const std::string& certificate, const std::string& key,
                                                const std::string& client_ca = {},
                                                std::vector<ScriptedReply> script = {}) {
    auto server = std::make_unique<httplib::SSLServer>(certificate.c_str(), key.c_str(),
                                                       client_ca.empty() ? nullptr : client_ca.c_str());
    return std::unique_ptr<HttpTestCollector>(new HttpTestCollector(std::move(server), true, std::move(script)));
  }

  HttpTestCollector(std::unique_ptr<httplib::Server> server, bool tls, std::vector<ScriptedReply> script)
      : server_(std::move(server)), tls_(tls), script_(std::move(script)) {
    server_->Post("/v1/traces", [this](const httplib::Request& request, httplib::Response& response) {
      std::lock_guard lock(mutex_);
      ReceivedRequest received;
      received.path = request.path;
      received.content_type = request.get_header_value("Content-Type");
      received.content_encoding = request.get_header_value("Content-Encoding");
      received.headers = request.headers;
      received.remote_port = request.remote_port;
      received.decoded = received.content_type == "application/json" ? decode_otlp_json(request.body)
                                                                      : decode_otlp_proto(request.body);
      const ScriptedReply reply = requests_.size() < script_.size() ? script_[requests_.size()] : ScriptedReply{};
      response.status = reply.status;
      for (const auto& [name, value] : reply.headers) response.set_header(name, value);
      response.set_content(reply.body, reply.content_type);
      received.answered_status = reply.status;
      requests_.push_back(std::move(received));
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    while (!server_->is_running()) std::this_thread::yield();
  }
  ~HttpTestCollector() {
    server_->stop();
    thread_.join();
  }
  HttpTestCollector(const HttpTestCollector&) = delete;
  HttpTestCollector& operator=(const HttpTestCollector&) = delete;

  int port() const { return port_; }
  std::string traces_url() const {
    return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + "/v1/traces";
  }

  std::vector<ReceivedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

  // The spans of every request answered with 2xx, in arrival order.
  std::vector<Span> accepted_spans() const {
    std::lock_guard lock(mutex_);
    std::vector<Span> out;
    for (const ReceivedRequest& request : requests_) {
      if (request.answered_status < 200 || request.answered_status >= 300) continue;
      for (const SpanBatch& batch : request.decoded.batches) out.insert(out.end(), batch.spans.begin(), batch.spans.end());
    }
    return out;
  }

 private:
  std::unique_ptr<httplib::Server> server_;
  bool tls_ = false;
  std::vector<ScriptedReply> script_;
  mutable std::mutex mutex_;
  std::vector<ReceivedRequest> requests_;
  int port_ = 0;
  std::thread thread_;
};

// The spans of a set of batches, flattened: what a collector should end up with.
inline std::vector<Span> all_spans(const std::vector<SpanBatch>& batches) {
  std::vector<Span> out;
  for (const SpanBatch& batch : batches) out.insert(out.end(), batch.spans.begin(), batch.spans.end());
  return out;
}

// A RetryEnvironment that records the waits instead of sleeping, with a
// fixed wall clock.
struct RecordedWaits {
  std::vector<std::chrono::milliseconds> waits;
  std::chrono::system_clock::time_point now = std::chrono::system_clock::from_time_t(1'750'000'000);

  RetryEnvironment environment(std::uint64_t seed = 42) {
    RetryEnvironment env;
    env.sleep = [this](std::chrono::milliseconds d) { waits.push_back(d); };
    env.now = [this] { return now; };
    env.seed = seed;
    return env;
  }
};

}  // namespace pipetrace::testing
