// OtlpGrpcExporter against a grpc::Server in the test process: spans arrive
// intact, UNAVAILABLE and RESOURCE_EXHAUSTED are retried (the latter after
// the server's RetryInfo delay), other codes are dropped at once.
#include <gtest/gtest.h>

#include "../sinks/sample_spans.h"
#include "grpc_test_collector.h"
#include "http_test_collector.h"
#include "log_capture.h"
#include "sinks/otlp_grpc_exporter.h"
#include "test_certificates.h"

namespace pipetrace {
namespace {

using namespace std::chrono_literals;
using testing::GrpcTestCollector;
using testing::RecordedWaits;
using testing::ScriptedStatus;

OtlpExporterOptions options_for(const GrpcTestCollector& collector) {
  OtlpExporterOptions options;
  options.protocol = OtlpProtocol::Grpc;
  options.endpoint = "http://" + collector.address();
  options.timeout = 5s;
  options.retry.initial_backoff = 100ms;
  options.retry.max_attempts = 4;
  return options;
}

// Protobuf wire format by hand, to build a google.rpc.Status with details
// the way a collector's gRPC library would, without its .proto files.
std::string varint_field(int field, std::uint64_t value) {
  std::string out(1, static_cast<char>(field << 3));
  do {
    std::uint8_t byte = value & 0x7f;
    value >>= 7;
    if (value != 0) byte |= 0x80;
    out.push_back(static_cast<char>(byte));
  } while (value != 0);
  return out;
}

std::string bytes_field(int field, const std::string& bytes) {
  std::string out(1, static_cast<char>((field << 3) | 2));
  out += varint_field(0, bytes.size()).substr(1);
  return out + bytes;
}

std::string status_with_retry_info(std::int64_t seconds, std::int32_t nanos) {
  const std::string duration = varint_field(1, seconds) + varint_field(2, nanos);
  const std::string retry_info = bytes_field(1, duration);
  const std::string any = bytes_field(1, "type.googleapis.com/google.rpc.RetryInfo") + bytes_field(2, retry_info);
  return varint_field(1, 8) + bytes_field(2, "slow down") + bytes_field(3, any);
}

TEST(OtlpGrpcExporter, SendsSpansThatDecodeToTheSameSpansAndResources) {
  GrpcTestCollector collector;
  RecordedWaits clock;
  OtlpGrpcExporter exporter(options_for(collector), clock.environment());
  const auto batches = testing::sample_batches();

  const ExportResult result = exporter.export_spans(batches);

  EXPECT_EQ(result.status, ExportStatus::Sent) << result.message;
  const auto calls = collector.calls();
  ASSERT_EQ(calls.size(), 1u);
  ASSERT_TRUE(calls[0].decoded.ok());
  ASSERT_EQ(calls[0].decoded.batches.size(), 2u);
  EXPECT_EQ(calls[0].decoded.batches[1].resource, batches[1].resource);
  EXPECT_EQ(collector.accepted_spans(), testing::all_spans(batches));
  EXPECT_EQ(exporter.describe(), "OTLP/gRPC http://" + collector.address());
}

TEST(OtlpGrpcExporter, RetriesUnavailableOnceAndDeliversEverySpanOnce) {
  GrpcTestCollector collector({ScriptedStatus{grpc::Status(grpc::StatusCode::UNAVAILABLE, "restarting")}});
  RecordedWaits clock;
  testing::LogCapture logs;
  OtlpGrpcExporter exporter(options_for(collector), clock.environment());
  const auto batches = testing::sample_batches();

  const ExportResult result = exporter.export_spans(batches);

  EXPECT_EQ(result.status, ExportStatus::Sent) << result.message;
  EXPECT_EQ(result.attempts, 2);
  EXPECT_EQ(collector.calls().size(), 2u);
  EXPECT_EQ(collector.accepted_spans(), testing::all_spans(batches));
  ASSERT_EQ(clock.waits.size(), 1u);
  EXPECT_GE(clock.waits[0], 50ms);
  EXPECT_LE(clock.waits[0], 150ms);
  EXPECT_TRUE(logs.contains("UNAVAILABLE")) << logs.text();
}

TEST(OtlpGrpcExporter, WaitsForTheRetryInfoDelayOfResourceExhausted) {
  GrpcTestCollector collector({ScriptedStatus{
      grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "slow down", status_with_retry_info(2, 500'000'000))}});
  RecordedWaits clock;
  OtlpGrpcExporter exporter(options_for(collector), clock.environment());

  const ExportResult result = exporter.export_spans(testing::sample_batches());

  EXPECT_EQ(result.status, ExportStatus::Sent) << result.message;
  ASSERT_EQ(clock.waits.size(), 1u);
  EXPECT_EQ(clock.waits[0], 2500ms);
}

TEST(OtlpGrpcExporter, DropsOtherCodesWithoutRetrying) {
  GrpcTestCollector collector({ScriptedStatus{grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad span id")}});
  RecordedWaits clock;
  testing::LogCapture logs;
  OtlpGrpcExporter exporter(options_for(collector), clock.environment());

  const ExportResult result = exporter.export_spans(testing::sample_batches());

  EXPECT_EQ(result.status, ExportStatus::PermanentFailure);
  EXPECT_EQ(result.attempts, 1);
  EXPECT_EQ(collector.calls().size(), 1u);
  EXPECT_TRUE(clock.waits.empty());
  EXPECT_TRUE(logs.contains("INVALID_ARGUMENT")) << logs.text();
  EXPECT_TRUE(logs.contains("bad span id")) << logs.text();
}

TEST(OtlpGrpcExporter, LogsAPartialSuccessWithTheRejectedCount) {
  GrpcTestCollector collector({ScriptedStatus{grpc::Status::OK, 1, "span without a name"}});
  RecordedWaits clock;
  testing::LogCapture logs;
  OtlpGrpcExporter exporter(options_for(collector), clock.environment());

  const ExportResult result = exporter.export_spans(testing::sample_batches());

  EXPECT_EQ(result.status, ExportStatus::Sent);
  EXPECT_EQ(result.rejected_spans, 1);
  EXPECT_EQ(collector.calls().size(), 1u);
  EXPECT_TRUE(logs.contains("rejected 1 of 3 spans: span without a name")) << logs.text();
}

TEST(OtlpGrpcExporter, SendsHeadersAsLowerCaseMetadata) {
  GrpcTestCollector collector;
  RecordedWaits clock;
  auto options = options_for(collector);
  options.headers = {{"X-Scope-OrgID", "tenant-1"}, {"Authorization", "Bearer s3cret"}};
  OtlpGrpcExporter exporter(options, clock.environment());

  ASSERT_TRUE(exporter.export_spans(testing::sample_batches()).sent());

  const auto calls = collector.calls();
  ASSERT_EQ(calls.size(), 1u);
  const auto find = [&](const std::string& key) {
    const auto it = calls[0].metadata.find(key);
    return it == calls[0].metadata.end() ? std::string("<missing>") : it->second;
  };
  EXPECT_EQ(find("x-scope-orgid"), "tenant-1");
  EXPECT_EQ(find("authorization"), "Bearer s3cret");
}

TEST(OtlpGrpcExporter, CompressesWithGzipWhenAsked) {
  const auto batches = testing::sample_batches();
  {
    GrpcTestCollector collector;
    auto options = options_for(collector);
    options.compression = OtlpCompression::Gzip;
    OtlpGrpcExporter exporter(options);
    EXPECT_TRUE(exporter.export_spans(batches).sent());
    EXPECT_EQ(collector.accepted_spans(), testing::all_spans(batches));
  }
  // A server that refuses gzip proves the request was compressed...
  GrpcTestCollector no_gzip({}, /*accept_gzip=*/false);
  auto options = options_for(no_gzip);
  options.compression = OtlpCompression::Gzip;
  OtlpGrpcExporter gzip_exporter(options);
  EXPECT_EQ(gzip_exporter.export_spans(batches).status, ExportStatus::PermanentFailure);
  // ... and that it is not without the option.
  options.compression = OtlpCompression::None;
  OtlpGrpcExporter plain_exporter(options);
  EXPECT_TRUE(plain_exporter.export_spans(batches).sent());
}

TEST(OtlpGrpcExporter, HostPortWithInsecureIsPlainText) {
  GrpcTestCollector collector;
  auto options = options_for(collector);
  options.endpoint = collector.address();
  options.insecure = true;
  OtlpGrpcExporter exporter(options);
  EXPECT_TRUE(exporter.export_spans(testing::sample_batches()).sent());
  EXPECT_EQ(collector.calls().size(), 1u);
}

TEST(OtlpGrpcExporter, AnUnreachableCollectorIsARetryableFailure) {
  int closed_port = 0;
  {
    GrpcTestCollector gone;
    closed_port = gone.port();
  }
  OtlpExporterOptions options;
  options.protocol = OtlpProtocol::Grpc;
  options.endpoint = "http://127.0.0.1:" + std::to_string(closed_port);
  options.timeout = 2s;
  options.retry.max_attempts = 2;
  RecordedWaits clock;
  OtlpGrpcExporter exporter(options, clock.environment());

  const ExportResult result = exporter.export_spans(testing::sample_batches());

  EXPECT_EQ(result.status, ExportStatus::RetryableFailure);
  EXPECT_EQ(result.attempts, 2);
  EXPECT_EQ(clock.waits.size(), 1u);
}

TEST(OtlpGrpcExporter, SpeaksTlsWithTheConfiguredCaAndClientCertificate) {
  testing::TestCertificates certificates;
  if (!certificates.ok()) GTEST_SKIP() << "the openssl command could not make test certificates";
  grpc::SslServerCredentialsOptions tls(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  tls.pem_root_certs = testing::read_file(certificates.path("ca.crt"));
  tls.pem_key_cert_pairs.push_back(
      {testing::read_file(certificates.path("server.key")), testing::read_file(certificates.path("server.crt"))});
  GrpcTestCollector collector({}, true, grpc::SslServerCredentials(tls));
  OtlpExporterOptions options;
  options.protocol = OtlpProtocol::Grpc;
  options.endpoint = collector.address();  // no scheme, not insecure: TLS
  options.certificate_file = certificates.path("ca.crt");
  options.client_certificate_file = certificates.path("client.crt");
  options.client_key_file = certificates.path("client.key");
  options.retry.max_attempts = 1;
  OtlpGrpcExporter exporter(options);
  EXPECT_EQ(exporter.describe(), "OTLP/gRPC https://" + collector.address());

  const ExportResult result = exporter.export_spans(testing::sample_batches());

  EXPECT_EQ(result.status, ExportStatus::Sent) << result.message;
  EXPECT_EQ(collector.calls().size(), 1u);

  options.client_certificate_file.clear();
  options.client_key_file.clear();
  OtlpGrpcExporter without_client_certificate(options);
  EXPECT_FALSE(without_client_certificate.export_spans(testing::sample_batches()).sent());
  EXPECT_EQ(collector.calls().size(), 1u);
}

TEST(OtlpGrpcExporter, AMissingCaFileFailsEveryExportPermanently) {
  OtlpExporterOptions options;
  options.protocol = OtlpProtocol::Grpc;
  options.endpoint = "https://127.0.0.1:4317";
  options.certificate_file = "/nonexistent/ca.pem";
  OtlpGrpcExporter exporter(options);
  const ExportResult result = exporter.export_spans(testing::sample_batches());
  EXPECT_EQ(result.status, ExportStatus::PermanentFailure);
  EXPECT_NE(result.message.find("/nonexistent/ca.pem"), std::string::npos) << result.message;
}

TEST(GrpcRetryDelay, ReadsRetryInfoAndIgnoresOtherDetails) {
  EXPECT_EQ(grpc_retry_delay(status_with_retry_info(3, 0)), 3000ms);
  EXPECT_EQ(grpc_retry_delay(status_with_retry_info(0, 250'000'000)), 250ms);
  const std::string other_detail = varint_field(1, 8) +
                                   bytes_field(3, bytes_field(1, "type.googleapis.com/google.rpc.ErrorInfo") +
                                                      bytes_field(2, bytes_field(1, "QUOTA")));
  EXPECT_EQ(grpc_retry_delay(other_detail), std::nullopt);
  EXPECT_EQ(grpc_retry_delay(""), std::nullopt);
  EXPECT_EQ(grpc_retry_delay("\xff\xff garbage"), std::nullopt);
}

}  // namespace
}  // namespace pipetrace
