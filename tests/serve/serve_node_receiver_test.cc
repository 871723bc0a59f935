// End to end through the program and an independent collector: `pipetrace
// serve`, configured by a YAML file (--config), watches the Kubernetes API
// test server playing the passing example, gets its webhook signed, and
// exports to tests/otlp-decoder/receiver.js (npm @opentelemetry/otlp-transformer
// + @grpc/grpc-js) over HTTP protobuf (--traces-exporter-*), HTTP JSON
// (-o otlp-http with OTEL_EXPORTER_OTLP_PROTOCOL=http/json) and gRPC
// (-o otlp-grpc) at once. Each transport must deliver the golden trace tree:
// the same span IDs, parents and names as examples/passing/expected-trace.txt.
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "../kube/kube_test_support.h"
#include "../support/node_receiver.h"
#include "serve/webhook_auth.h"
#include "serve_test_support.h"
#include "test_cluster.h"

namespace pipetrace::serve {
namespace {

struct ExpectedSpan {
  std::string parent;
  std::string name;
};

// span ID -> parent and name, from the golden text. Image pulls come from
// Events, which this test does not watch.
std::map<std::string, ExpectedSpan> golden_tree() {
  const std::string text =
      testing::read_file(std::string(PIPETRACE_SOURCE_DIR) + "/examples/passing/expected-trace.txt");
  std::regex line_re(R"(^ *(.*?)  \[\+[^\]]*\] span=([0-9a-f]{16})(?: parent=([0-9a-f]{16}))?)");
  std::map<std::string, ExpectedSpan> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, line_re)) continue;
    if (m[1].str().starts_with("pull ")) continue;
    out[m[2]] = {m[3], m[1]};
  }
  return out;
}

double events_received(httplib::Client& client) {
  auto res = client.Get("/metrics");
  if (!res || res->status != 200) return 0;
  std::regex series(R"(pipetrace_events_received_total\{[^}]*\} ([0-9.e+]+))");
  double total = 0;
  for (auto it = std::sregex_iterator(res->body.begin(), res->body.end(), series); it != std::sregex_iterator(); ++it) {
    total += std::stod((*it)[1]);
  }
  return total;
}

// The port serve says it listens on ("listening on ADDR (port N)"), or 0.
int announced_port(const std::string& log) {
  static const std::regex listening(R"(listening on \S+ \(port ([0-9]+)\))");
  std::smatch match;
  return std::regex_search(log, match, listening) ? std::stoi(match[1]) : 0;
}

TEST(ServeNodeReceiver, EveryTransportDeliversTheGoldenTree) {
  if (!test_support::node_receiver_installed()) {
    GTEST_SKIP() << "tests/otlp-decoder/node_modules is missing @grpc/grpc-js: run scripts/setup-test-tools";
  }
  pipetrace::testing::TestCluster cluster;
  ASSERT_EQ(cluster.error(), "");
  test_support::NodeReceiver receiver(cluster.dir() + "/received.jsonl");
  ASSERT_TRUE(receiver.started()) << "receiver.js did not start";

  const std::string config = cluster.dir() + "/serve.yaml";
  std::ofstream(config) << "# pipetrace serve settings, as an operator would write them\n"
                        << "kubeconfig: " << cluster.write_kubeconfig() << "\n"
                        << "kinds: [lighthousejobs, pipelineruns, taskruns, pipelineactivities, pods]\n"
                        << "listen-addr: \"127.0.0.1:0\"\n"  // serve picks a free port and says which
                        << "lighthouse-hmac-key: e2e-key\n"
                        << "no-store: true\n"
                        << "no-annotate: true\n"
                        << "data-dir: " << cluster.dir() << "/data\n"
                        << "batch-delay-ms: 100\n"
                        << "traces-exporter-type: otlp:http:insecure\n"
                        << "traces-exporter-endpoint: \"127.0.0.1:" << receiver.http_port() << "\"\n"
                        << "output:\n"
                        << "  - otlp-http:http://127.0.0.1:" << receiver.http_port() << "/v1/traces\n"
                        << "  - otlp-grpc:http://127.0.0.1:" << receiver.grpc_port() << "\n";
  // The environment only says how -o otlp-http encodes; the child inherits it.
  ::setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json", 1);
  kube_test::ChildProcess serve({PIPETRACE_BINARY, "serve", "--config", config}, cluster.dir() + "/serve.out",
                                cluster.dir() + "/serve.err");
  ::unsetenv("OTEL_EXPORTER_OTLP_PROTOCOL");
  ASSERT_TRUE(serve.started());
  auto serve_log = [&] { return kube_test::ChildProcess::read_text(cluster.dir() + "/serve.err"); };

  int port = 0;
  ASSERT_TRUE(kube_test::eventually([&] { return (port = announced_port(serve_log())) > 0; }, std::chrono::seconds(30)))
      << serve_log();
  httplib::Client client("127.0.0.1", port);
  // The child competes for the CPU with the rest of a parallel test run.
  client.set_read_timeout(30, 0);
  std::string readiness = "no answer";
  ASSERT_TRUE(kube_test::eventually(
      [&] {
        auto res = client.Get("/readyz");
        if (res) readiness = std::to_string(res->status) + " " + res->body;
        return res && res->status == 200;
      },
      std::chrono::seconds(30)))
      << "last /readyz: " << readiness << "\n"
      << serve_log();

  std::ifstream in(std::string(PIPETRACE_SOURCE_DIR) + "/examples/passing/recording.jsonl");
  int applied = 0;
  for (std::string line; std::getline(in, line);) {
    auto doc = nlohmann::json::parse(line);
    if (doc["type"] == "WEBHOOK") {
      std::string body = doc["body"].dump();
      auto res = client.Post("/lighthouse/events",
                             {{"X-Lighthouse-Payload-Type", "webhook"},
                              {"X-Lighthouse-Webhook-Kind", doc["headers"]["X-Lighthouse-Webhook-Kind"]},
                              {"X-Lighthouse-Signature", "sha256=" + hmac_sha256_hex("e2e-key", body)}},
                             body, "application/json");
      ASSERT_TRUE(res) << "the webhook delivery got no answer: " << httplib::to_string(res.error()) << "\n"
                       << serve_log();
      ASSERT_EQ(res->status, 202);
      continue;
    }
    nlohmann::json object = doc["object"];
    if (object.value("kind", "") == "Event") continue;  // not watched here
    object["metadata"].erase("resourceVersion");
    auto result = cluster.server().apply(object);
    ASSERT_LT(result.status, 300) << result.body.dump().substr(0, 300);
    ++applied;
  }
  ASSERT_GT(applied, 50);
  // Each apply is one watch event, the webhook one more.
  EXPECT_TRUE(kube_test::eventually([&] { return events_received(client) >= applied + 1; }, std::chrono::seconds(30)))
      << events_received(client) << " of " << applied + 1 << " events\n"
      << serve_log();

  // SIGTERM: the tracer flushes what it holds and the exporters send it.
  serve.signal(SIGTERM);
  auto exited = serve.wait(std::chrono::seconds(30));
  ASSERT_EQ(exited.exit_code, 0) << exited.err;

  std::map<std::string, std::map<std::string, ExpectedSpan>> received;  // via -> span ID -> parent, name
  for (const nlohmann::json& line : receiver.lines()) {
    if (line.value("type", "") == "request") {
      EXPECT_EQ(line.value("status", 0), 200) << line.dump();
      continue;
    }
    if (line.value("type", "") != "span") continue;
    received[line["via"]][line["spanId"]] = {line.value("parentSpanId", ""), line.value("name", "")};
  }
  const auto expected = golden_tree();
  ASSERT_GT(expected.size(), 60u);
  for (const std::string via : {"http/protobuf", "http/json", "grpc"}) {
    SCOPED_TRACE(via);
    const auto& got = received[via];
    for (const auto& [span, want] : expected) {
      auto it = got.find(span);
      if (it == got.end()) {
        ADD_FAILURE() << want.name << " (" << span << ") not received; " << got.size() << " spans came";
        continue;
      }
      EXPECT_EQ(it->second.parent, want.parent) << want.name;
      EXPECT_EQ(it->second.name, want.name) << span;
    }
  }
}

}  // namespace
}  // namespace pipetrace::serve
