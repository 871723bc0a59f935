// The pieces of the fault-injection tests: the independent OTLP receiver
// (tests/otlp-decoder/receiver.js) as the collector, the real `pipetrace
// serve` as a child process with its --data-dir, the Kubernetes API test
// server playing examples/passing/recording.jsonl, and the comparison of
// what the receiver got with an undisturbed run (lost, duplicated,
// unexpected span IDs).
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "../support/node_receiver.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "../kube/kube_test_support.h"
#include "serve/webhook_auth.h"
#include "test_cluster.h"

namespace pipetrace::faults {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

using test_support::kDecoderDir;
inline constexpr const char* kHmacKey = "faults-key";

// A loopback port nobody listens on now: free for a child (a race we accept on loopback).
inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

// The shared Node receiver, on a fixed HTTP port so that a run can start
// its collector late (the "collector down" fault), with the counts the
// fault comparisons need.
class NodeReceiver {
 public:
  NodeReceiver(const std::string& out, int http_port)
      : out_(out), receiver_(out, {"--http-port", std::to_string(http_port), "--grpc-port", "0"}) {}
  bool started() const { return receiver_.started(); }

  // Span ID -> how many times it arrived.
  std::map<std::string, int> span_counts() const {
    std::map<std::string, int> counts;
    std::ifstream in(out_);
    for (std::string line; std::getline(in, line);) {
      const Json j = Json::parse(line, nullptr, false);
      if (j.is_object() && j.value("type", "") == "span") ++counts[j.value("spanId", "")];
    }
    return counts;
  }
  // Span IDs of the waiting-phase spans received (pipetrace.wait.reason):
  // phases a live observer saw between two states of a resource. A run that
  // was not watching at that moment (killed, relisting) cannot see them.
  std::set<std::string> observed_wait_ids() const {
    std::set<std::string> ids;
    std::ifstream in(out_);
    for (std::string line; std::getline(in, line);) {
      const Json j = Json::parse(line, nullptr, false);
      if (!j.is_object() || j.value("type", "") != "span" || !j.contains("attributes")) continue;
      for (const Json& a : j["attributes"]) {
        if (a.is_object() && a.value("key", "") == "pipetrace.wait.reason") ids.insert(j.value("spanId", ""));
      }
    }
    return ids;
  }
  std::size_t spans_received() const {
    std::size_t n = 0;
    for (const auto& [id, count] : span_counts()) n += static_cast<std::size_t>(count);
    return n;
  }

 private:
  std::string out_;
  test_support::NodeReceiver receiver_;
};

// `pipetrace serve` watching the test cluster and exporting to the receiver
// through its spool in `data_dir`.
class ServeProcess {
 public:
  ServeProcess(const std::string& kubeconfig, int collector_port, const std::string& data_dir, const std::string& logs,
               int generation)
      : port_(free_port()),
        err_(logs + "/serve-" + std::to_string(generation) + ".err"),
        child_({PIPETRACE_BINARY, "serve", "--kubeconfig", kubeconfig, "--listen-addr",
                "127.0.0.1:" + std::to_string(port_), "--lighthouse-hmac-key", kHmacKey, "--traces-exporter-type",
                "otlp:http:insecure", "--traces-exporter-endpoint", "127.0.0.1:" + std::to_string(collector_port),
                "--data-dir", data_dir, "--no-store", "--no-annotate", "--kinds",
                // Events only add span events and image pulls, whose place depends on
                // which watch delivers first; the spans compared here do not.
                "lighthousejobs,pipelineruns,taskruns,pipelineactivities,pods", "--batch-delay-ms", "100",
                "--root-linger", "1s", "--parent-wait", "3s", "--event-grace", "0s", "--spool-retry-max-wait", "1s"},
               logs + "/serve-" + std::to_string(generation) + ".out", err_) {}

  bool started() const { return child_.started(); }
  int port() const { return port_; }
  std::string log() const { return kube_test::ChildProcess::read_text(err_); }
  void kill9() {
    child_.signal(SIGKILL);
    child_.wait(std::chrono::seconds(5));
  }
  kube_test::ProcessResult stop() {
    child_.signal(SIGTERM);
    return child_.wait(std::chrono::seconds(20));
  }

  // Listening, and every kind listed.
  bool wait_ready(std::chrono::seconds timeout = std::chrono::seconds(15)) {
    httplib::Client client("127.0.0.1", port_);
    client.set_connection_timeout(std::chrono::milliseconds(200));
    return kube_test::eventually(
        [&] {
          auto res = client.Get("/readyz");
          return res && res->status == 200;
        },
        timeout);
  }
  // The sum of a metric's series on /metrics (0 when absent).
  double metric(const std::string& name) const {
    httplib::Client client("127.0.0.1", port_);
    auto res = client.Get("/metrics");
    if (!res || res->status != 200) return -1;
    std::regex series(name + R"((\{[^}]*\})? ([0-9.e+]+))");
    double total = 0;
    for (auto it = std::sregex_iterator(res->body.begin(), res->body.end(), series); it != std::sregex_iterator(); ++it) {
      total += std::stod((*it)[2]);
    }
    return total;
  }
  bool post_webhook(const Json& doc) const {
    httplib::Client client("127.0.0.1", port_);
    const std::string body = doc["body"].dump();
    auto res = client.Post("/lighthouse/events",
                           {{"X-Lighthouse-Payload-Type", "webhook"},
                            {"X-Lighthouse-Webhook-Kind", doc["headers"]["X-Lighthouse-Webhook-Kind"]},
                            {"X-Lighthouse-Signature", "sha256=" + serve::hmac_sha256_hex(kHmacKey, body)}},
                           body, "application/json");
    return res && res->status == 202;
  }

 private:
  int port_;
  std::string err_;
  kube_test::ChildProcess child_;
};

// The recorded scenario, one watch event or webhook per entry.
inline std::vector<Json> passing_scenario() {
  std::vector<Json> out;
  std::ifstream in(std::string(PIPETRACE_SOURCE_DIR) + "/examples/passing/recording.jsonl");
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(Json::parse(line));
  }
  return out;
}

// Applies one recorded change to the cluster (webhooks go to `serve`).
inline void play(const Json& doc, testing::KubeApiServer& server, const ServeProcess& serve) {
  if (doc["type"] == "WEBHOOK") {
    EXPECT_TRUE(serve.post_webhook(doc)) << "the signed webhook was not accepted";
    return;
  }
  Json object = doc["object"];
  object["metadata"].erase("resourceVersion");
  if (doc["type"] == "DELETED") {
    server.remove(object.value("apiVersion", ""), object.value("kind", ""), object["metadata"].value("namespace", ""),
                  object["metadata"].value("name", ""));
  } else {
    auto result = server.apply(object);
    EXPECT_LT(result.status, 300) << result.body.dump().substr(0, 300);
  }
}

// Waits until `count` has not moved for `quiet` (at most `timeout`).
inline void settle(const std::function<double()>& count, std::chrono::milliseconds quiet,
                   std::chrono::seconds timeout = std::chrono::seconds(20)) {
  double last = -1;
  auto stable_since = Clock::now();
  const auto deadline = stable_since + timeout;
  while (Clock::now() < deadline) {
    const double now = count();
    if (now != last) {
      last = now;
      stable_since = Clock::now();
    } else if (Clock::now() - stable_since >= quiet) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

struct Comparison {
  std::size_t expected = 0;
  std::size_t received = 0;  // distinct span IDs
  std::size_t lost = 0;
  std::size_t duplicated = 0;  // arrivals beyond the first of a span ID
  std::size_t unexpected = 0;
  // Waiting phases of the undisturbed run that this run did not observe:
  // not counted as lost (see observed_wait_ids), but printed.
  std::size_t unobserved_waits = 0;
  std::vector<std::string> lost_ids, unexpected_ids;

  std::string line(const std::string& fault) const {
    return "fault=" + fault + " expected=" + std::to_string(expected) + " received=" + std::to_string(received) +
           " lost=" + std::to_string(lost) + " duplicated=" + std::to_string(duplicated) +
           " unexpected=" + std::to_string(unexpected) + " unobserved_waiting_phases=" + std::to_string(unobserved_waits);
  }
};

inline Comparison compare(const std::set<std::string>& expected, const std::map<std::string, int>& received,
                          const std::set<std::string>& live_only = {}) {
  Comparison c;
  c.expected = expected.size();
  c.received = received.size();
  for (const std::string& id : expected) {
    if (!received.count(id) && live_only.count(id)) {
      ++c.unobserved_waits;
    } else if (!received.count(id)) {
      ++c.lost;
      c.lost_ids.push_back(id);
    }
  }
  for (const auto& [id, count] : received) {
    if (count > 1) c.duplicated += static_cast<std::size_t>(count - 1);
    if (!expected.count(id)) {
      ++c.unexpected;
      c.unexpected_ids.push_back(id);
    }
  }
  return c;
}

}  // namespace pipetrace::faults
