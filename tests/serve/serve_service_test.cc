// `serve` in-process on loopback: real webhook payloads signed as Lighthouse,
// GitHub and GitLab sign them, spans received by an OTLP/HTTP receiver, and
// the operations endpoints.
#include "serve/serve_service.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>

#include "serve/watch_feed.h"
#include "serve/webhook_auth.h"
#include "serve_test_support.h"

namespace pipetrace::serve {
namespace {

using testing::fixture;
using testing::OtlpReceiver;

constexpr const char* kLighthouseKey = "lighthouse-test-key";
constexpr const char* kGitHubSecret = "github-test-secret";
constexpr const char* kGitLabToken = "gitlab-test-token";

class ServeServiceTest : public ::testing::Test {
 protected:
  void start(std::size_t max_body_bytes = kDefaultMaxBodyBytes) {
    ServeConfig config;
    config.listen = {"127.0.0.1", 0};
    config.secrets = {kLighthouseKey, kGitHubSecret, kGitLabToken};
    config.max_body_bytes = max_body_bytes;
    config.tick_interval = std::chrono::milliseconds(50);
    config.tracer.root_linger = 100'000'000;  // 0.1 s: roots close fast
    OtlpExporterOptions otlp;
    otlp.endpoint = receiver.url();
    config.otlp.push_back(otlp);
    config.batching.schedule_delay = std::chrono::milliseconds(50);
    service = std::make_unique<ServeService>(std::move(config));
    ASSERT_EQ(service->start(), "");
    client = std::make_unique<httplib::Client>("127.0.0.1", service->port());
  }

  httplib::Result post(const std::string& path, const std::string& body, httplib::Headers headers) {
    return client->Post(path, headers, body, "application/json");
  }

  httplib::Result post_lighthouse(const std::string& body, const std::string& kind, const std::string& key) {
    return post("/lighthouse/events", body,
                {{"User-Agent", "LighthouseHook"},
                 {"X-Lighthouse-Payload-Type", "webhook"},
                 {"X-Lighthouse-Webhook-Kind", kind},
                 {"X-Lighthouse-Signature", "sha256=" + hmac_sha256_hex(key, body)}});
  }

  std::string metrics() {
    auto res = client->Get("/metrics");
    return res ? res->body : "";
  }

  OtlpReceiver receiver;
  std::unique_ptr<ServeService> service;
  std::unique_ptr<httplib::Client> client;
};

const Span* find_by_attribute(const std::vector<Span>& spans, const std::string& key, const std::string& value) {
  for (const Span& s : spans) {
    if (s.string_attribute(key) == value) return &s;
  }
  return nullptr;
}

TEST_F(ServeServiceTest, SignedLighthouseWebhookBecomesARootSpan) {
  start();
  const std::string body = fixture("webhooks/github/push.json.golden");
  const auto golden = nlohmann::json::parse(body);
  auto res = post_lighthouse(body, "push", kLighthouseKey);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 202);
  // A root without children stays open until shutdown, which flushes it.
  service->stop();
  const auto spans = receiver.spans();
  const Span* root = find_by_attribute(spans, "pipetrace.webhook.guid", golden["GUID"].get<std::string>());
  ASSERT_NE(root, nullptr) << spans.size() << " spans received";
  EXPECT_TRUE(root->parent_span_id.empty());
  EXPECT_FALSE(root->trace_id.empty());
  EXPECT_EQ(root->kind, SpanKind::Server);
  EXPECT_EQ(root->string_attribute("vcs.repository.name"), golden["Repo"]["FullName"].get<std::string>());
  EXPECT_EQ(root->string_attribute("vcs.ref.head.revision"), golden["After"].get<std::string>());
}

TEST_F(ServeServiceTest, BadOrMissingSignatureIsRefusedWithoutATrace) {
  start();
  const std::string body = fixture("webhooks/github/push.json.golden");
  auto wrong = post_lighthouse(body, "push", "not-the-key");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto missing = post("/lighthouse/events", body, {{"X-Lighthouse-Webhook-Kind", "push"}});
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 401);
  // Signed for another body: the signature covers every byte.
  auto tampered = post("/lighthouse/events", body + " ",
                       {{"X-Lighthouse-Webhook-Kind", "push"},
                        {"X-Lighthouse-Signature", "sha256=" + hmac_sha256_hex(kLighthouseKey, body)}});
  ASSERT_TRUE(tampered);
  EXPECT_EQ(tampered->status, 401);
  EXPECT_NE(metrics().find(R"(pipetrace_webhook_deliveries_total{endpoint="lighthouse",result="unauthorized"} 3)"),
            std::string::npos);
  service->stop();
  EXPECT_TRUE(receiver.spans().empty());
}

TEST_F(ServeServiceTest, GitHubRawPayloadWithHubSignature) {
  start();
  const std::string body = fixture("webhooks/github/push.json");
  const std::string delivery = "6b1a3f2e-0000-4000-8000-00000000c0de";
  httplib::Headers headers{{"X-GitHub-Event", "push"},
                           {"X-GitHub-Delivery", delivery},
                           {"X-Hub-Signature-256", "sha256=" + hmac_sha256_hex(kGitHubSecret, body)}};
  auto res = post("/hooks/github", body, headers);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 202);
  headers.erase("X-Hub-Signature-256");
  headers.emplace("X-Hub-Signature-256", "sha256=" + hmac_sha256_hex(kLighthouseKey, body));  // another endpoint's key
  auto refused = post("/hooks/github", body, headers);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
  service->stop();
  const auto spans = receiver.spans();
  const Span* root = find_by_attribute(spans, "pipetrace.webhook.guid", delivery);
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->string_attribute("vcs.provider.name"), "github");
  EXPECT_EQ(spans.size(), 1u);
}

TEST_F(ServeServiceTest, GitLabPayloadWithToken) {
  start();
  const std::string body = fixture("webhooks/gitlab/push.json");
  const std::string delivery = "9f0c1d2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f";
  auto res = post("/hooks/gitlab", body,
                  {{"X-Gitlab-Event", "Push Hook"}, {"X-Gitlab-Event-UUID", delivery}, {"X-Gitlab-Token", kGitLabToken}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 202);
  auto wrong = post("/hooks/gitlab", body,
                    {{"X-Gitlab-Event", "Push Hook"}, {"X-Gitlab-Event-UUID", "x"}, {"X-Gitlab-Token", "guess"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  service->stop();
  const auto spans = receiver.spans();
  const Span* root = find_by_attribute(spans, "pipetrace.webhook.guid", delivery);
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->string_attribute("vcs.provider.name"), "gitlab");
  EXPECT_EQ(spans.size(), 1u);
}

TEST_F(ServeServiceTest, OversizedBodyIs413) {
  start(1024);
  const std::string body = fixture("webhooks/github/push.json.golden");
  ASSERT_GT(body.size(), 1024u);
  auto res = post_lighthouse(body, "push", kLighthouseKey);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_NE(metrics().find(R"(pipetrace_webhook_deliveries_total{endpoint="lighthouse",result="too_large"} 1)"),
            std::string::npos);
}

TEST_F(ServeServiceTest, MalformedSignedBodyIs400) {
  start();
  auto res = post_lighthouse(R"({"Ref": "refs/heads/main", "Repo": )", "push", kLighthouseKey);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(metrics().find(R"(pipetrace_webhook_deliveries_total{endpoint="lighthouse",result="malformed"} 1)"),
            std::string::npos);
  service->stop();
  EXPECT_TRUE(receiver.spans().empty());
}

TEST_F(ServeServiceTest, HealthReadinessAndMetrics) {
  start();
  auto health = client->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto ready = client->Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200) << ready->body;  // no watches, exporter not failing

  std::string before = metrics();
  EXPECT_EQ(before.find(R"(result="accepted")"), std::string::npos);
  EXPECT_NE(before.find("pipetrace_event_queue_depth 0"), std::string::npos);
  EXPECT_NE(before.find(R"(pipetrace_spans_total{outcome="exported"} 0)"), std::string::npos);

  auto res = post_lighthouse(fixture("webhooks/github/pr_opened.json.golden"), "pull_request", kLighthouseKey);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 202);
  std::string after = metrics();
  EXPECT_NE(after.find(R"(pipetrace_webhook_deliveries_total{endpoint="lighthouse",result="accepted"} 1)"),
            std::string::npos)
      << after;
  EXPECT_NE(after.find(R"(pipetrace_events_received_total{kind="webhook"} 1)"), std::string::npos);
}

// A whole recorded scenario: its webhook posted signed, its watch events fed
// as the watches would, and the trace tree the example documents received.
TEST_F(ServeServiceTest, RecordedScenarioGivesTheExpectedTree) {
  start();
  std::ifstream in(std::string(PIPETRACE_SOURCE_DIR) + "/examples/passing/recording.jsonl");
  std::string line;
  std::size_t fed = 0;
  SystemClock clock;  // observed now, as the watches would stamp them
  while (std::getline(in, line)) {
    auto doc = nlohmann::json::parse(line);
    if (doc["type"] == "WEBHOOK") {
      std::string body = doc["body"].dump();
      auto res = post_lighthouse(body, doc["headers"]["X-Lighthouse-Webhook-Kind"], kLighthouseKey);
      ASSERT_TRUE(res);
      ASSERT_EQ(res->status, 202);
      continue;
    }
    std::string problem;
    auto event = event_from_watch_line(doc["type"].get<std::string>(), line, clock.now(), "", problem);
    ASSERT_TRUE(problem.empty()) << problem;
    if (event && service->submit(std::move(*event))) ++fed;
  }
  ASSERT_GT(fed, 100u);
  service->stop();

  // Every span of the documented trace, with the same IDs and parents.
  const std::string expected = testing::read_file(std::string(PIPETRACE_SOURCE_DIR) + "/examples/passing/expected-trace.txt");
  std::regex span_re(R"(span=([0-9a-f]{16})(?: parent=([0-9a-f]{16}))?)");
  std::map<std::string, std::string> expected_parents;
  for (auto it = std::sregex_iterator(expected.begin(), expected.end(), span_re); it != std::sregex_iterator(); ++it) {
    expected_parents[(*it)[1]] = (*it)[2];
  }
  ASSERT_GT(expected_parents.size(), 10u);
  std::map<std::string, std::string> received_parents;
  for (const Span& s : receiver.spans()) {
    received_parents[s.span_id.hex()] = s.parent_span_id.empty() ? "" : s.parent_span_id.hex();
  }
  for (const auto& [span, parent] : expected_parents) {
    auto it = received_parents.find(span);
    ASSERT_NE(it, received_parents.end()) << "span " << span << " not received";
    EXPECT_EQ(it->second, parent) << "span " << span;
  }

  // The lint PipelineRun ran 202 s: counted once, in the 300 s bucket and not the 120 s one.
  const std::string text = service->metrics().render();
  const std::string series = R"(pipeline="drone-test-go-pr-1-lint-dbqqf",result="success")";
  EXPECT_NE(text.find("cicd_pipeline_run_duration_seconds_count{" + series + "} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("cicd_pipeline_run_duration_seconds_bucket{" + series + R"(,le="300"} 1)"), std::string::npos);
  EXPECT_NE(text.find("cicd_pipeline_run_duration_seconds_bucket{" + series + R"(,le="120"} 0)"), std::string::npos);
}

}  // namespace
}  // namespace pipetrace::serve

namespace pipetrace::serve {
namespace {

// A collector that refuses every export makes the service unready, and the
// refused spans are counted as failed.
TEST(ServeReadiness, RefusingCollectorMakesTheServiceUnready) {
  testing::OtlpReceiver refusing(400);
  ServeConfig config;
  config.listen = {"127.0.0.1", 0};
  config.secrets.lighthouse_hmac_key = kLighthouseKey;
  config.tick_interval = std::chrono::milliseconds(50);
  OtlpExporterOptions otlp;
  otlp.endpoint = refusing.url();
  config.otlp.push_back(otlp);
  config.batching.schedule_delay = std::chrono::milliseconds(20);
  ServeService service(std::move(config));
  ASSERT_EQ(service.start(), "");
  httplib::Client client("127.0.0.1", service.port());
  auto ready = client.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);

  // Finished runs are emitted while running: feed the recorded scenario.
  std::ifstream in(std::string(PIPETRACE_SOURCE_DIR) + "/examples/passing/recording.jsonl");
  std::string line;
  SystemClock clock;
  while (std::getline(in, line)) {
    auto doc = nlohmann::json::parse(line);
    if (doc["type"] == "WEBHOOK") continue;
    std::string problem;
    if (auto event = event_from_watch_line(doc["type"].get<std::string>(), line, clock.now(), "", problem)) {
      service.submit(std::move(*event));
    }
  }
  bool unready = false;
  for (int i = 0; i < 100 && !unready; ++i) {
    auto res = client.Get("/readyz");
    unready = res && res->status == 503 && res->body.find("failing") != std::string::npos;
    if (!unready) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(unready);
  service.stop();
  const std::string text = service.metrics().render();
  EXPECT_EQ(text.find(R"(pipetrace_spans_total{outcome="failed"} 0)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(pipetrace_spans_total{outcome="exported"} 0)"), std::string::npos);
}

}  // namespace
}  // namespace pipetrace::serve
