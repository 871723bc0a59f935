// The command line's OTLP outputs: target forms, the plain-text refusal with
// the setting to change, and a whole sink delivering to a local collector.
#include <gtest/gtest.h>

#include "../sinks/sample_spans.h"
#include "http_test_collector.h"
#include "sinks/otlp_output.h"

namespace pipetrace {
namespace {

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

TEST(OtlpOutput, HttpTargetWithoutPathGetsTheTracesPath) {
  const auto result = otlp_options_for_output("otlp-http", "https://collector.example.com:4318", {});
  ASSERT_TRUE(result.ok()) << joined(result.errors);
  EXPECT_EQ(result.options.endpoint, "https://collector.example.com:4318/v1/traces");
  EXPECT_EQ(result.options.protocol, OtlpProtocol::HttpProtobuf);

  const auto with_path = otlp_options_for_output("otlp-http", "http://127.0.0.1:9999/custom/traces", {});
  ASSERT_TRUE(with_path.ok()) << joined(with_path.errors);
  EXPECT_EQ(with_path.options.endpoint, "http://127.0.0.1:9999/custom/traces");
}

TEST(OtlpOutput, RefusesPlainTextToARemoteHostNamingTheOutput) {
  const auto http = otlp_options_for_output("otlp-http", "http://collector.example.com:4318", {});
  ASSERT_EQ(http.errors.size(), 1u);
  EXPECT_NE(http.errors[0].find("-o otlp-http:http://collector.example.com:4318 is plain text to a non-local host; "
                                "use https://"),
            std::string::npos)
      << http.errors[0];

  const auto grpc = otlp_options_for_output("otlp-grpc", "http://collector.example.com:4317", {});
  ASSERT_EQ(grpc.errors.size(), 1u);
  EXPECT_NE(grpc.errors[0].find("-o otlp-grpc:http://collector.example.com:4317 is plain text"), std::string::npos);

  const auto insecure = otlp_options_for_output("otlp-grpc", "collector.example.com:4317",
                                                {{"OTEL_EXPORTER_OTLP_INSECURE", "true"}});
  ASSERT_EQ(insecure.errors.size(), 1u);
  EXPECT_NE(insecure.errors[0].find("OTEL_EXPORTER_OTLP_INSECURE=true asks for plain text"), std::string::npos)
      << insecure.errors[0];
}

TEST(OtlpOutput, AcceptsTlsAnywhereAndPlainTextLocally) {
  for (const auto& [type, target] : std::vector<std::pair<std::string, std::string>>{
           {"otlp-grpc", "collector.example.com:4317"},
           {"otlp-grpc", "https://collector.example.com"},
           {"otlp-grpc", "http://127.0.0.1:4317"},
           {"otlp-grpc", "http://otel-collector.observability.svc:4317"},
           {"otlp-http", "http://localhost:4318"}}) {
    const auto result = otlp_options_for_output(type, target, {});
    EXPECT_TRUE(result.ok()) << type << ":" << target << ": " << joined(result.errors);
  }
}

TEST(OtlpOutput, TakesTransportSettingsButNotTheDestinationFromTheEnvironment) {
  const auto result = otlp_options_for_output(
      "otlp-http", "http://127.0.0.1:4318",
      {{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.example.com:4318"},  // would be refused, but is replaced
       {"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"},
       {"OTEL_EXPORTER_OTLP_HEADERS", "x-tenant=a"},
       {"OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"}});
  ASSERT_TRUE(result.ok()) << joined(result.errors);
  EXPECT_EQ(result.options.endpoint, "http://127.0.0.1:4318/v1/traces");
  EXPECT_EQ(result.options.protocol, OtlpProtocol::HttpJson);
  EXPECT_EQ(result.options.compression, OtlpCompression::Gzip);
  ASSERT_EQ(result.options.headers.size(), 1u);
  EXPECT_EQ(result.options.headers[0].second, "a");
}

TEST(OtlpOutput, TheSinkDeliversToALocalCollectorOnFlush) {
  testing::HttpTestCollector collector;
  std::string error;
  auto sink = make_otlp_output_sink("otlp-http", collector.traces_url(), {}, error);
  ASSERT_NE(sink, nullptr) << error;
  const auto batches = testing::sample_batches();
  for (const SpanBatch& batch : batches) sink->consume(batch);
  sink->flush();
  EXPECT_EQ(collector.accepted_spans(), testing::all_spans(batches));
}

TEST(OtlpOutput, TheSinkIsNotBuiltForARefusedTarget) {
  std::string error;
  auto sink = make_otlp_output_sink("otlp-http", "http://collector.example.com", {}, error);
  EXPECT_EQ(sink, nullptr);
  EXPECT_NE(error.find("is plain text to a non-local host"), std::string::npos) << error;
}

}  // namespace
}  // namespace pipetrace
