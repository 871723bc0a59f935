// Reading the exporter settings from an injected environment: precedence of
// the TRACES_ variables, endpoint paths, parsing and its errors, the
// Lighthouse plugin and legacy Jaeger mappings, and the plain-text rule's
// messages.
#include <gtest/gtest.h>

#include "model/base64.h"
#include "sinks/otlp_exporter_options.h"
#include "test_certificates.h"

namespace pipetrace {
namespace {

using namespace std::chrono_literals;

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

TEST(OtlpOptionsFromEnvironment, DefaultsToHttpProtobufOnLocalhost) {
  const OtlpOptionsResult result = otlp_options_from_environment({});
  ASSERT_TRUE(result.ok()) << joined(result.errors);
  EXPECT_EQ(result.options.protocol, OtlpProtocol::HttpProtobuf);
  EXPECT_EQ(result.options.endpoint, "http://localhost:4318/v1/traces");
  EXPECT_EQ(result.options.compression, OtlpCompression::None);
  EXPECT_EQ(result.options.timeout, 10s);
  EXPECT_EQ(result.options.service_name, "pipetrace");
  EXPECT_TRUE(result.warnings.empty());
}

TEST(OtlpOptionsFromEnvironment, GrpcDefaultsToLocalhost4317) {
  const auto result = otlp_options_from_environment({{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}});
  ASSERT_TRUE(result.ok()) << joined(result.errors);
  EXPECT_EQ(result.options.protocol, OtlpProtocol::Grpc);
  EXPECT_EQ(result.options.endpoint, "http://localhost:4317");
}

TEST(OtlpOptionsFromEnvironment, GenericEndpointGetsTheTracesPath) {
  struct Case {
    std::string base, expected;
  };
  for (const Case& c : {Case{"http://otel-collector.observability:4318", "http://otel-collector.observability:4318/v1/traces"},
                        Case{"http://localhost:4318/", "http://localhost:4318/v1/traces"},
                        Case{"https://otlp.example.com/tenant/a", "https://otlp.example.com/tenant/a/v1/traces"}}) {
    const auto result = otlp_options_from_environment({{"OTEL_EXPORTER_OTLP_ENDPOINT", c.base}});
    ASSERT_TRUE(result.ok()) << joined(result.errors);
    EXPECT_EQ(result.options.endpoint, c.expected);
    EXPECT_EQ(result.options.endpoint_setting, "OTEL_EXPORTER_OTLP_ENDPOINT");
  }
}

TEST(OtlpOptionsFromEnvironment, TracesEndpointIsUsedAsIsAndWins) {
  const auto result = otlp_options_from_environment({
      {"OTEL_EXPORTER_OTLP_ENDPOINT", "https://generic.example.com"},
      {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://traces.example.com/custom/path"},
  });
  ASSERT_TRUE(result.ok()) << joined(result.errors);
  EXPECT_EQ(result.options.endpoint, "https://traces.example.com/custom/path");
  EXPECT_EQ(result.options.endpoint_setting, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
}

TEST(OtlpOptionsFromEnvironment, GrpcUsesTheGenericEndpointAsIs) {
  const auto result = otlp_options_from_environment({
      {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"},
      {"OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector.example.com:4317"},
  });
  ASSERT_TRUE(result.ok()) << joined(result.errors);
  EXPECT_EQ(result.options.endpoint, "https://collector.example.com:4317");
}

TEST(OtlpOptionsFromEnvironment, TracesVariablesComeBeforeGenericOnes) {
  const auto result = otlp_options_from_environment({
      {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"},
      {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/json"},
      {"OTEL_EXPORTER_OTLP_COMPRESSION", "none"},
      {"OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "gzip"},
      {"OTEL_EXPORTER_OTLP_TIMEOUT", "1000"},
      {"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "2500"},
      {"OTEL_EXPORTER_OTLP_INSECURE", "true"},
      {"OTEL_EXPORTER_OTLP_TRACES_INSECURE", "false"},
  });
  ASSERT_TRUE(result.ok()) << joined(result.errors);
  EXPECT_EQ(result.options.protocol, OtlpProtocol::HttpJson);
  EXPECT_EQ(result.options.compression, OtlpCompression::Gzip);
  EXPECT_EQ(result.options.timeout, 2500ms);
  EXPECT_FALSE(result.options.insecure);
}

TEST(OtlpOptionsFromEnvironment, HeadersArePercentDecodedAndMerged) {
  const auto result = otlp_options_from_environment({
      {"OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Basic%20YWxhZGRpbjpvcGVuc2VzYW1l, x-tenant = team%2Ca ,,"},
      {"OTEL_EXPORTER_OTLP_TRACES_HEADERS", "X-Tenant=team-b,x-extra=1%3D1"},
  });
  ASSERT_TRUE(result.ok()) << joined(result.errors);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"Authorization", "Basic YWxhZGRpbjpvcGVuc2VzYW1l"}, {"x-tenant", "team-b"}, {"x-extra", "1=1"}};
  EXPECT_EQ(result.options.headers, expected);
}

TEST(OtlpOptionsFromEnvironment, BadValuesAreErrorsNamingTheVariable) {
  const auto result = otlp_options_from_environment({
      {"OTEL_EXPORTER_OTLP_PROTOCOL", "thrift"},
      {"OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "zstd"},
      {"OTEL_EXPORTER_OTLP_TIMEOUT", "10s"},
      {"OTEL_EXPORTER_OTLP_INSECURE", "yes"},
      {"OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer top-secret,broken"},
  });
  ASSERT_EQ(result.errors.size(), 5u) << joined(result.errors);
  const std::string all = joined(result.errors);
  EXPECT_NE(all.find("OTEL_EXPORTER_OTLP_PROTOCOL=thrift is not a known protocol"), std::string::npos) << all;
  EXPECT_NE(all.find("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION=zstd"), std::string::npos) << all;
  EXPECT_NE(all.find("OTEL_EXPORTER_OTLP_TIMEOUT=10s is not a positive whole number of milliseconds"),
            std::string::npos) << all;
  EXPECT_NE(all.find("OTEL_EXPORTER_OTLP_INSECURE=yes"), std::string::npos) << all;
  EXPECT_NE(all.find("OTEL_EXPORTER_OTLP_HEADERS: entry 2 is not key=value"), std::string::npos) << all;
  EXPECT_EQ(all.find("top-secret"), std::string::npos) << "header values must not be echoed: " << all;
}

TEST(OtlpOptionsFromEnvironment, ServiceNameVariableWinsOverResourceAttributes) {
  const auto result = otlp_options_from_environment({
      {"OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attributes,deployment.environment=prod,team=ci%20tools"},
      {"OTEL_SERVICE_NAME", "pipetrace-dev"},
  });
  ASSERT_TRUE(result.ok()) << joined(result.errors);
  EXPECT_EQ(result.options.service_name, "pipetrace-dev");
  const Resource resource = otlp_resource(result.options);
  const std::vector<Attribute> expected = {{"service.name", std::string("pipetrace-dev")},
                                           {"deployment.environment", std::string("prod")},
                                           {"team", std::string("ci tools")}};
  EXPECT_EQ(resource.attributes, expected);

  const auto without = otlp_options_from_environment({{"OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attributes"}});
  EXPECT_EQ(without.options.service_name, "from-attributes");
}

TEST(OtlpOptionsFromEnvironment, RefusesPlainTextToAPublicHostNamingTheVariable) {
  const auto result =
      otlp_options_from_environment({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.example.com:4318"}});
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].find("OTEL_EXPORTER_OTLP_ENDPOINT=http://collector.example.com:4318 is plain text to a "
                                  "non-local host; use https://"),
            std::string::npos)
      << result.errors[0];
}

TEST(OtlpOptionsFromEnvironment, AcceptsPlainTextToLoopbackAndInClusterNames) {
  for (const std::string endpoint : {"http://127.0.0.1:4318", "http://[::1]:4318", "http://localhost:4318",
                                     "http://otel-collector:4318", "http://tempo.observability:4318",
                                     "http://tempo.observability.svc.cluster.local:4318"}) {
    const auto result = otlp_options_from_environment({{"OTEL_EXPORTER_OTLP_ENDPOINT", endpoint}});
    EXPECT_TRUE(result.ok()) << endpoint << ": " << joined(result.errors);
  }
}

TEST(OtlpOptionsFromEnvironment, InsecureGrpcToAPublicHostNamesTheInsecureSetting) {
  const auto result = otlp_options_from_environment({
      {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"},
      {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "collector.example.com:4317"},
      {"OTEL_EXPORTER_OTLP_TRACES_INSECURE", "true"},
  });
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].find("OTEL_EXPORTER_OTLP_TRACES_INSECURE=true asks for plain text to "
                                  "collector.example.com"),
            std::string::npos)
      << result.errors[0];
  // Without INSECURE a scheme-less gRPC endpoint means TLS, which is fine.
  const auto tls = otlp_options_from_environment({
      {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"},
      {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "collector.example.com:4317"},
  });
  EXPECT_TRUE(tls.ok()) << joined(tls.errors);
}

TEST(OtlpOptionsFromEnvironment, HttpEndpointWithoutSchemeIsAnError) {
  const auto result = otlp_options_from_environment({{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "collector:4318"}});
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].find("has no scheme"), std::string::npos) << result.errors[0];
}

TEST(OtlpOptionsFromEnvironment, TlsFilesMustExistAndKeyAndCertificateComeTogether) {
  const auto missing = otlp_options_from_environment({
      {"OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector.example.com"},
      {"OTEL_EXPORTER_OTLP_CERTIFICATE", "/nonexistent/ca.pem"},
      {"OTEL_EXPORTER_OTLP_CLIENT_KEY", "/nonexistent/client.key"},
  });
  const std::string all = joined(missing.errors);
  EXPECT_NE(all.find("CA certificate file /nonexistent/ca.pem"), std::string::npos) << all;
  EXPECT_NE(all.find("must be given together"), std::string::npos) << all;

  testing::TestCertificates certificates;
  if (!certificates.ok()) GTEST_SKIP() << "no openssl command";
  const auto present = otlp_options_from_environment({
      {"OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector.example.com"},
      {"OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE", certificates.path("ca.crt")},
      {"OTEL_EXPORTER_OTLP_CLIENT_KEY", certificates.path("client.key")},
      {"OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", certificates.path("client.crt")},
  });
  ASSERT_TRUE(present.ok()) << joined(present.errors);
  EXPECT_EQ(present.options.certificate_file, certificates.path("ca.crt"));
  EXPECT_EQ(present.options.client_key_file, certificates.path("client.key"));
}

TEST(OtlpOptionsFromEnvironment, EmptyVariablesCountAsUnset) {
  const auto result = otlp_options_from_environment({{"OTEL_EXPORTER_OTLP_ENDPOINT", ""},
                                                     {"OTEL_EXPORTER_OTLP_PROTOCOL", "  "}});
  ASSERT_TRUE(result.ok()) << joined(result.errors);
  EXPECT_EQ(result.options.endpoint, "http://localhost:4318/v1/traces");
}

TEST(LighthousePluginSettings, GrpcInsecureToAnInClusterCollector) {
  const auto result = otlp_options_from_environment({
      {"TRACES_EXPORTER_TYPE", "otlp:grpc:insecure"},
      {"TRACES_EXPORTER_ENDPOINT", "grafana-agent-traces.observability.svc.cluster.local:4317"},
  });
  ASSERT_TRUE(result.ok()) << joined(result.errors);
  EXPECT_EQ(result.options.protocol, OtlpProtocol::Grpc);
  EXPECT_EQ(result.options.endpoint, "http://grafana-agent-traces.observability.svc.cluster.local:4317");
}

TEST(LighthousePluginSettings, HttpInsecureGetsTheTracesPath) {
  const auto result = apply_lighthouse_plugin_settings({}, "otlp:http:insecure", "tempo.observability:4318");
  ASSERT_TRUE(result.ok()) << joined(result.errors);
  EXPECT_EQ(result.options.protocol, OtlpProtocol::HttpProtobuf);
  EXPECT_EQ(result.options.endpoint, "http://tempo.observability:4318/v1/traces");
  EXPECT_TRUE(validate_otlp_options(result.options).empty());
}

TEST(LighthousePluginSettings, UnknownTypesAndPublicHostsAreRefused) {
  const auto unknown = apply_lighthouse_plugin_settings({}, "jaeger", "tempo:4317");
  ASSERT_EQ(unknown.errors.size(), 1u);
  EXPECT_NE(unknown.errors[0].find("TRACES_EXPORTER_TYPE=jaeger is not supported"), std::string::npos);

  const auto remote = apply_lighthouse_plugin_settings({}, "otlp:grpc:insecure", "collector.example.com:4317");
  ASSERT_EQ(remote.errors.size(), 1u);
  EXPECT_NE(remote.errors[0].find("TRACES_EXPORTER_ENDPOINT=collector.example.com:4317 is not a loopback address"),
            std::string::npos)
      << remote.errors[0];
}

TEST(LighthousePluginSettings, StandardEndpointWinsWithAWarning) {
  const auto result = otlp_options_from_environment({
      {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://collector.example.com/v1/traces"},
      {"TRACES_EXPORTER_TYPE", "otlp:grpc:insecure"},
      {"TRACES_EXPORTER_ENDPOINT", "tempo:4317"},
  });
  ASSERT_TRUE(result.ok()) << joined(result.errors);
  EXPECT_EQ(result.options.endpoint, "https://collector.example.com/v1/traces");
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_NE(result.warnings[0].find("TRACES_EXPORTER_TYPE and TRACES_EXPORTER_ENDPOINT are ignored"),
            std::string::npos);
}

TEST(JaegerSettings, MapToOtlpOnTheSameHostWithBasicAuthAndAWarning) {
  const auto result = otlp_options_from_environment({
      {"OTEL_EXPORTER_JAEGER_ENDPOINT", "http://jaeger-collector.observability:14268/api/traces"},
      {"OTEL_EXPORTER_JAEGER_USER", "ci"},
      {"OTEL_EXPORTER_JAEGER_PASSWORD", "hunter2"},
  });
  ASSERT_TRUE(result.ok()) << joined(result.errors);
  EXPECT_EQ(result.options.protocol, OtlpProtocol::HttpProtobuf);
  EXPECT_EQ(result.options.endpoint, "http://jaeger-collector.observability:4318/v1/traces");
  const std::vector<std::pair<std::string, std::string>> headers = {{"Authorization", "Basic " + base64_encode("ci:hunter2")}};
  EXPECT_EQ(result.options.headers, headers);
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_NE(result.warnings[0].find("OTEL_EXPORTER_JAEGER_ENDPOINT is deprecated"), std::string::npos);
  EXPECT_NE(result.warnings[0].find("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://jaeger-collector.observability:4318/v1/traces"),
            std::string::npos)
      << result.warnings[0];
  EXPECT_EQ(result.warnings[0].find("hunter2"), std::string::npos);
}

TEST(JaegerSettings, TheGrpcPortMapsToOtlpGrpc) {
  const auto result = otlp_options_from_environment({{"OTEL_EXPORTER_JAEGER_ENDPOINT", "http://jaeger:14250"}});
  ASSERT_TRUE(result.ok()) << joined(result.errors);
  EXPECT_EQ(result.options.protocol, OtlpProtocol::Grpc);
  EXPECT_EQ(result.options.endpoint, "http://jaeger:4317");
}

TEST(JaegerSettings, AreIgnoredWithAWarningWhenAnOtlpEndpointIsSet) {
  const auto result = otlp_options_from_environment({
      {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel-collector:4318"},
      {"OTEL_EXPORTER_JAEGER_ENDPOINT", "http://jaeger:14268/api/traces"},
  });
  ASSERT_TRUE(result.ok()) << joined(result.errors);
  EXPECT_EQ(result.options.endpoint, "http://otel-collector:4318/v1/traces");
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_NE(result.warnings[0].find("ignored because OTEL_EXPORTER_OTLP_ENDPOINT is set"), std::string::npos);
}

TEST(JaegerSettings, PlainTextToAPublicJaegerIsRefused) {
  const auto result =
      otlp_options_from_environment({{"OTEL_EXPORTER_JAEGER_ENDPOINT", "http://jaeger.example.com:14268/api/traces"}});
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].find("OTEL_EXPORTER_JAEGER_ENDPOINT=http://jaeger.example.com:14268/api/traces is plain text"),
            std::string::npos)
      << result.errors[0];
}

TEST(ParseKeyValueList, RejectsBadPercentEscapesAndEmptyKeys) {
  std::vector<std::pair<std::string, std::string>> out;
  EXPECT_NE(parse_key_value_list("a=%zz", "X", out).find("X: entry 1 has a '%'"), std::string::npos);
  EXPECT_NE(parse_key_value_list("a=1,=2", "X", out).find("X: entry 2 has an empty key"), std::string::npos);
  out.clear();
  EXPECT_EQ(parse_key_value_list("a=1%", "X", out).empty(), false);
  out.clear();
  EXPECT_EQ(parse_key_value_list(" k = v=w ", "X", out), "");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], (std::pair<std::string, std::string>{"k", "v=w"}));
}

TEST(ValidateOtlpOptions, RefusesHeaderInjectionAndBadNames) {
  OtlpExporterOptions options;
  options.headers = {{"X-Ok", "fine"}, {"Bad Name", "x"}, {"X-Evil", "a\r\nHost: other"}};
  const auto errors = validate_otlp_options(options);
  ASSERT_EQ(errors.size(), 2u) << joined(errors);
  EXPECT_NE(errors[0].find("'Bad Name'"), std::string::npos);
  EXPECT_NE(errors[1].find("X-Evil"), std::string::npos);
}

}  // namespace
}  // namespace pipetrace
