// OtlpHttpExporter against a collector in the test process: what arrives
// decodes to the spans sent, and each HTTP status gets the treatment the
// OTLP spec gives it (retry 429/502/503/504 with Retry-After, drop the rest).
#include <ctime>

#include <gtest/gtest.h>

#include "../sinks/sample_spans.h"
#include "http_test_collector.h"
#include "log_capture.h"
#include "sinks/otlp_http_exporter.h"

namespace pipetrace {
namespace {

using namespace std::chrono_literals;
using testing::HttpTestCollector;
using testing::RecordedWaits;
using testing::ScriptedReply;

OtlpExporterOptions options_for(const HttpTestCollector& collector,
                                OtlpProtocol protocol = OtlpProtocol::HttpProtobuf) {
  OtlpExporterOptions options;
  options.protocol = protocol;
  options.endpoint = collector.traces_url();
  options.timeout = 5s;
  options.retry.initial_backoff = 100ms;
  options.retry.max_attempts = 4;
  return options;
}

// An HTTP-date as RFC 9110 writes it (IMF-fixdate).
std::string http_date(std::chrono::system_clock::time_point when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return text;
}

std::string partial_success_proto(std::int64_t rejected, const std::string& message) {
  opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse response;
  response.mutable_partial_success()->set_rejected_spans(rejected);
  response.mutable_partial_success()->set_error_message(message);
  return response.SerializeAsString();
}

TEST(OtlpHttpExporter, PostsProtobufThatDecodesToTheSameSpansAndResources) {
  HttpTestCollector collector;
  RecordedWaits clock;
  OtlpHttpExporter exporter(options_for(collector), clock.environment());
  const auto batches = testing::sample_batches();

  const ExportResult result = exporter.export_spans(batches);

  EXPECT_EQ(result.status, ExportStatus::Sent) << result.message;
  EXPECT_EQ(result.attempts, 1);
  const auto requests = collector.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/v1/traces");
  EXPECT_EQ(requests[0].content_type, "application/x-protobuf");
  EXPECT_EQ(requests[0].content_encoding, "");
  ASSERT_TRUE(requests[0].decoded.ok()) << requests[0].decoded.error;
  ASSERT_EQ(requests[0].decoded.batches.size(), batches.size());
  for (std::size_t i = 0; i < batches.size(); ++i) {
    EXPECT_EQ(requests[0].decoded.batches[i].resource, batches[i].resource);
    EXPECT_EQ(requests[0].decoded.batches[i].spans, batches[i].spans);
  }
  EXPECT_TRUE(clock.waits.empty());
}

TEST(OtlpHttpExporter, Retries503AfterItsRetryAfterAndDeliversEverySpanOnce) {
  HttpTestCollector collector({ScriptedReply{503, "collector overloaded", "text/plain", {{"Retry-After", "2"}}}});
  RecordedWaits clock;
  testing::LogCapture logs;
  OtlpHttpExporter exporter(options_for(collector), clock.environment());
  const auto batches = testing::sample_batches();

  const ExportResult result = exporter.export_spans(batches);

  EXPECT_EQ(result.status, ExportStatus::Sent) << result.message;
  EXPECT_EQ(result.attempts, 2);
  ASSERT_EQ(collector.requests().size(), 2u);
  EXPECT_EQ(collector.accepted_spans(), testing::all_spans(batches));
  ASSERT_EQ(clock.waits.size(), 1u);
  EXPECT_EQ(clock.waits[0], 2000ms);  // the server's delay, not the 100ms backoff
  EXPECT_TRUE(logs.contains("HTTP 503")) << logs.text();
  EXPECT_TRUE(logs.contains("retrying in 2.0s (attempt 2 of 4)")) << logs.text();
}

TEST(OtlpHttpExporter, Honours429WithAnHttpDateRetryAfter) {
  RecordedWaits clock;
  HttpTestCollector collector(
      {ScriptedReply{429, "", "text/plain", {{"Retry-After", http_date(clock.now + std::chrono::seconds(7))}}}});
  OtlpHttpExporter exporter(options_for(collector), clock.environment());

  const ExportResult result = exporter.export_spans(testing::sample_batches());

  EXPECT_EQ(result.status, ExportStatus::Sent) << result.message;
  ASSERT_EQ(clock.waits.size(), 1u);
  EXPECT_EQ(clock.waits[0], 7000ms);
  EXPECT_EQ(collector.requests().size(), 2u);
}

TEST(OtlpHttpExporter, Retries502And504WithBackoffWhenNoRetryAfterIsGiven) {
  HttpTestCollector collector({ScriptedReply{502, "bad gateway", "text/plain", {}},
                               ScriptedReply{504, "gateway timeout", "text/plain", {}}});
  RecordedWaits clock;
  OtlpHttpExporter exporter(options_for(collector), clock.environment());

  const ExportResult result = exporter.export_spans(testing::sample_batches());

  EXPECT_EQ(result.status, ExportStatus::Sent) << result.message;
  EXPECT_EQ(result.attempts, 3);
  ASSERT_EQ(clock.waits.size(), 2u);
  // 100ms then 200ms, each with up to 50% jitter either way.
  EXPECT_GE(clock.waits[0], 50ms);
  EXPECT_LE(clock.waits[0], 150ms);
  EXPECT_GE(clock.waits[1], 100ms);
  EXPECT_LE(clock.waits[1], 300ms);
}

TEST(OtlpHttpExporter, Drops400WithALogLineNamingStatusAndBodyAndNeverRetries) {
  HttpTestCollector collector(
      {ScriptedReply{400, R"({"code":3,"message":"span 3 has an empty trace id"})", "application/json", {}}});
  RecordedWaits clock;
  testing::LogCapture logs;
  OtlpHttpExporter exporter(options_for(collector), clock.environment());

  const ExportResult result = exporter.export_spans(testing::sample_batches());

  EXPECT_EQ(result.status, ExportStatus::PermanentFailure);
  EXPECT_EQ(result.attempts, 1);
  EXPECT_EQ(collector.requests().size(), 1u);
  EXPECT_TRUE(clock.waits.empty());
  EXPECT_NE(result.message.find("HTTP 400"), std::string::npos) << result.message;
  EXPECT_TRUE(logs.contains("refused 3 spans with HTTP 400 (span 3 has an empty trace id)")) << logs.text();
  EXPECT_TRUE(logs.contains("not retried")) << logs.text();
}

TEST(OtlpHttpExporter, ShowsTheMessageOfAProtobufStatusBody) {
  // google.rpc.Status{code: 3, message: "bad trace id"} in wire format.
  const std::string status("\x08\x03\x12\x0c" "bad trace id", 16);
  HttpTestCollector collector({ScriptedReply{400, status, "application/x-protobuf", {}}});
  RecordedWaits clock;
  testing::LogCapture logs;
  OtlpHttpExporter exporter(options_for(collector), clock.environment());

  EXPECT_EQ(exporter.export_spans(testing::sample_batches()).status, ExportStatus::PermanentFailure);
  EXPECT_TRUE(logs.contains("HTTP 400 (bad trace id)")) << logs.text();
}

TEST(OtlpHttpExporter, Treats500And404AsPermanent) {
  for (const int status : {500, 404, 413}) {
    HttpTestCollector collector({ScriptedReply{status, "nope", "text/plain", {}}});
    RecordedWaits clock;
    OtlpHttpExporter exporter(options_for(collector), clock.environment());
    const ExportResult result = exporter.export_spans(testing::sample_batches());
    EXPECT_EQ(result.status, ExportStatus::PermanentFailure) << status;
    EXPECT_EQ(collector.requests().size(), 1u) << status;
  }
}

TEST(OtlpHttpExporter, GivesUpAsRetryableAfterMaxAttempts) {
  HttpTestCollector collector(std::vector<ScriptedReply>(10, ScriptedReply{503, "", "text/plain", {}}));
  RecordedWaits clock;
  testing::LogCapture logs;
  auto options = options_for(collector);
  options.retry.max_attempts = 3;
  OtlpHttpExporter exporter(options, clock.environment());

  const ExportResult result = exporter.export_spans(testing::sample_batches());

  EXPECT_EQ(result.status, ExportStatus::RetryableFailure);
  EXPECT_EQ(result.attempts, 3);
  EXPECT_EQ(collector.requests().size(), 3u);
  EXPECT_EQ(clock.waits.size(), 2u);
  EXPECT_NE(result.message.find("gave up after 3 attempts"), std::string::npos) << result.message;
  EXPECT_TRUE(logs.contains("failed 3 times")) << logs.text();
}

TEST(OtlpHttpExporter, HandsBackAtOnceWhenRetryAfterIsLongerThanItWaits) {
  HttpTestCollector collector({ScriptedReply{503, "", "text/plain", {{"Retry-After", "3600"}}}});
  RecordedWaits clock;
  OtlpHttpExporter exporter(options_for(collector), clock.environment());

  const ExportResult result = exporter.export_spans(testing::sample_batches());

  EXPECT_EQ(result.status, ExportStatus::RetryableFailure);
  EXPECT_EQ(result.attempts, 1);
  EXPECT_TRUE(clock.waits.empty());
  EXPECT_NE(result.message.find("retry after 3600.0s"), std::string::npos) << result.message;
}

TEST(OtlpHttpExporter, RetriesARefusedConnectionWithSeededJitter) {
  int closed_port = 0;
  {
    HttpTestCollector gone;
    closed_port = gone.port();
  }
  OtlpExporterOptions options;
  options.endpoint = "http://127.0.0.1:" + std::to_string(closed_port) + "/v1/traces";
  options.retry.max_attempts = 4;
  std::vector<std::vector<std::chrono::milliseconds>> runs;
  for (const std::uint64_t seed : {7u, 7u, 8u}) {
    RecordedWaits clock;
    OtlpHttpExporter exporter(options, clock.environment(seed));
    const ExportResult result = exporter.export_spans(testing::sample_batches());
    EXPECT_EQ(result.status, ExportStatus::RetryableFailure);
    EXPECT_EQ(result.attempts, 4);
    EXPECT_NE(result.message.find("cannot reach"), std::string::npos) << result.message;
    runs.push_back(clock.waits);
  }
  ASSERT_EQ(runs[0].size(), 3u);
  EXPECT_EQ(runs[0], runs[1]);  // same seed, same waits
  EXPECT_NE(runs[0], runs[2]);
  EXPECT_LT(runs[0][0], runs[0][2]);  // 1s, 2s, 4s before jitter
}

TEST(OtlpHttpExporter, LogsAPartialSuccessWithTheRejectedCount) {
  HttpTestCollector collector(
      {ScriptedReply{200, partial_success_proto(2, "2 spans are older than the retention"), "application/x-protobuf", {}}});
  RecordedWaits clock;
  testing::LogCapture logs;
  OtlpHttpExporter exporter(options_for(collector), clock.environment());

  const ExportResult result = exporter.export_spans(testing::sample_batches());

  EXPECT_EQ(result.status, ExportStatus::Sent);
  EXPECT_EQ(result.rejected_spans, 2);
  EXPECT_EQ(collector.requests().size(), 1u);  // a partial success is never retried
  EXPECT_TRUE(logs.contains("rejected 2 of 3 spans: 2 spans are older than the retention")) << logs.text();
}

TEST(OtlpHttpExporter, SendsJsonAndReadsAJsonPartialSuccess) {
  HttpTestCollector collector(
      {ScriptedReply{200, R"({"partialSuccess":{"rejectedSpans":"1","errorMessage":"too old"}})", "application/json", {}}});
  RecordedWaits clock;
  testing::LogCapture logs;
  OtlpHttpExporter exporter(options_for(collector, OtlpProtocol::HttpJson), clock.environment());
  const auto batches = testing::sample_batches();

  const ExportResult result = exporter.export_spans(batches);

  EXPECT_EQ(result.status, ExportStatus::Sent) << result.message;
  EXPECT_EQ(result.rejected_spans, 1);
  const auto requests = collector.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].content_type, "application/json");
  ASSERT_TRUE(requests[0].decoded.ok()) << requests[0].decoded.error;
  EXPECT_EQ(collector.accepted_spans(), testing::all_spans(batches));
  EXPECT_TRUE(logs.contains("rejected 1 of 3 spans: too old")) << logs.text();
}

TEST(OtlpHttpExporter, GzipBodiesDecodeOnTheReceiver) {
  for (const OtlpProtocol protocol : {OtlpProtocol::HttpProtobuf, OtlpProtocol::HttpJson}) {
    HttpTestCollector collector;
    RecordedWaits clock;
    auto options = options_for(collector, protocol);
    options.compression = OtlpCompression::Gzip;
    OtlpHttpExporter exporter(options, clock.environment());
    const auto batches = testing::sample_batches();

    EXPECT_TRUE(exporter.export_spans(batches).sent());

    const auto requests = collector.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].content_encoding, "gzip");
    ASSERT_TRUE(requests[0].decoded.ok()) << requests[0].decoded.error;
    EXPECT_EQ(collector.accepted_spans(), testing::all_spans(batches)) << to_string(protocol);
  }
}

TEST(OtlpHttpExporter, SendsConfiguredHeadersAndItsUserAgent) {
  HttpTestCollector collector;
  RecordedWaits clock;
  auto options = options_for(collector);
  options.headers = {{"Authorization", "Bearer s3cret"}, {"X-Scope-OrgID", "tenant-1"}};
  OtlpHttpExporter exporter(options, clock.environment());

  ASSERT_TRUE(exporter.export_spans(testing::sample_batches()).sent());

  const auto requests = collector.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto header = [&](const std::string& name) {
    const auto it = requests[0].headers.find(name);
    return it == requests[0].headers.end() ? std::string("<missing>") : it->second;
  };
  EXPECT_EQ(header("Authorization"), "Bearer s3cret");
  EXPECT_EQ(header("X-Scope-OrgID"), "tenant-1");
  EXPECT_EQ(header("User-Agent").rfind("pipetrace/", 0), 0u) << header("User-Agent");
  EXPECT_EQ(header("Expect"), "<missing>");
}

TEST(OtlpHttpExporter, SendsNothingForBatchesWithoutSpans) {
  HttpTestCollector collector;
  OtlpHttpExporter exporter(options_for(collector));
  const std::vector<SpanBatch> empty(2);
  EXPECT_TRUE(exporter.export_spans(empty).sent());
  EXPECT_TRUE(collector.requests().empty());
}

TEST(OtlpHttpExporter, ReusesOneConnectionForSuccessiveExports) {
  HttpTestCollector collector;
  OtlpHttpExporter exporter(options_for(collector));
  const auto batches = testing::sample_batches();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(exporter.export_spans(batches).sent());
  const auto requests = collector.requests();
  ASSERT_EQ(requests.size(), 4u);
  for (const auto& request : requests) EXPECT_EQ(request.remote_port, requests[0].remote_port);
  EXPECT_EQ(collector.accepted_spans().size(), 12u);
}

}  // namespace
}  // namespace pipetrace
