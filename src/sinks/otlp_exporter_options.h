// Settings of the OTLP exporters, their defaults, and where they come from:
// the standard OTEL_EXPORTER_OTLP_* variables (the TRACES_ variant first),
// OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES, the Lighthouse telemetry
// plugin's TRACES_EXPORTER_TYPE / TRACES_EXPORTER_ENDPOINT, and the legacy
// OTEL_EXPORTER_JAEGER_* variables. The environment is always passed in, so
// tests never read the real one; validation applies the plain-text rule of
// plain_text_policy.h and returns errors that name the setting to change.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/span.h"
#include "sinks/export_retry.h"

namespace pipetrace {

enum class OtlpProtocol { Grpc, HttpProtobuf, HttpJson };
enum class OtlpCompression { None, Gzip };

const char* to_string(OtlpProtocol protocol);  // "grpc", "http/protobuf", "http/json"

struct OtlpExporterOptions {
  OtlpProtocol protocol = OtlpProtocol::HttpProtobuf;  // the OTLP spec's default
  // HTTP: the full URL spans are POSTed to. gRPC: http://host:port (plain
  // text), https://host:port (TLS) or host:port (TLS unless `insecure`).
  std::string endpoint = "http://localhost:4318/v1/traces";
  // Extra request headers (gRPC: metadata, keys lower-cased), e.g. an
  // Authorization or tenant header. Values may be secrets: never logged.
  std::vector<std::pair<std::string, std::string>> headers;
  OtlpCompression compression = OtlpCompression::None;
  std::chrono::milliseconds timeout{10'000};  // per request, as OTEL_EXPORTER_OTLP_TIMEOUT
  std::string certificate_file;               // PEM CA bundle to verify the collector with; "" = system CAs
  std::string client_key_file;                // PEM key for mutual TLS (with client_certificate_file)
  std::string client_certificate_file;        // PEM certificate chain for mutual TLS
  bool insecure = false;                      // gRPC without a scheme: plain text instead of TLS
  bool tls_skip_verify = false;               // HTTPS without checking the collector's certificate (testing only)

  std::string service_name = "pipetrace";  // OTEL_SERVICE_NAME, else service.name of OTEL_RESOURCE_ATTRIBUTES
  std::vector<Attribute> resource_attributes;  // OTEL_RESOURCE_ATTRIBUTES without service.name

  RetryPolicy retry;

  // Where endpoint and insecure came from ("OTEL_EXPORTER_OTLP_ENDPOINT",
  // "-o otlp-http:", ...) and the endpoint as written there (before
  // /v1/traces was added, say), so that errors name the setting to change.
  std::string endpoint_setting = "the default endpoint";
  std::string endpoint_as_given;  // "" = same as endpoint
  std::string insecure_setting = "OTEL_EXPORTER_OTLP_INSECURE";
};

// Variable name -> value.
using Environment = std::map<std::string, std::string, std::less<>>;

// The process environment; for main() and the CLI only.
Environment process_environment();

struct OtlpOptionsResult {
  OtlpExporterOptions options;
  std::vector<std::string> warnings;  // deprecated or ignored settings: the caller logs them
  std::vector<std::string> errors;    // each names the setting and what is wrong with it
  bool ok() const { return errors.empty(); }
};

// Reads, for each setting, OTEL_EXPORTER_OTLP_TRACES_X and else
// OTEL_EXPORTER_OTLP_X (empty values count as unset):
//   ENDPOINT     the TRACES_ variable is used as is; the generic one is a base
//                URL to which HTTP appends "/v1/traces" (gRPC uses it as is);
//   PROTOCOL     grpc | http/protobuf | http/json (default http/protobuf);
//   HEADERS      k=v,k2=v2, keys and values percent-decoded; the generic
//                ones first, the TRACES_ ones replacing keys they repeat;
//   COMPRESSION  gzip | none;  TIMEOUT  milliseconds;
//   CERTIFICATE, CLIENT_KEY, CLIENT_CERTIFICATE  PEM file paths;
//   INSECURE     true | false (gRPC endpoints without a scheme).
// With no OTLP endpoint, TRACES_EXPORTER_TYPE + TRACES_EXPORTER_ENDPOINT
// (the Lighthouse telemetry plugin's) are used, and else the deprecated
// OTEL_EXPORTER_JAEGER_ENDPOINT/USER/PASSWORD (with a warning). Then the
// result is validated (validate_otlp_options).
OtlpOptionsResult otlp_options_from_environment(const Environment& environment);

// The Lighthouse telemetry plugin's settings: type "otlp:grpc:insecure"
// sends OTLP/gRPC in plain text to endpoint host:port, "otlp:http:insecure"
// OTLP/HTTP to http://host:port/v1/traces; other types are an error, and so
// is a host outside the plain-text rule (the message names both settings).
// Applied on top of `base`; the rest is left to validate_otlp_options.
OtlpOptionsResult apply_lighthouse_plugin_settings(OtlpExporterOptions base, std::string_view exporter_type,
                                                   std::string_view endpoint,
                                                   std::string_view type_setting = "TRACES_EXPORTER_TYPE",
                                                   std::string_view endpoint_setting = "TRACES_EXPORTER_ENDPOINT");

// Checks the endpoint (parses, scheme fits the protocol, plain text only
// where plain_text_allowed_to), that the TLS files exist and that key and
// certificate come together, header names, and the timeout. Empty = valid.
std::vector<std::string> validate_otlp_options(const OtlpExporterOptions& options);

// "k=v,k2=v2" with percent-decoding (the W3C Baggage syntax the OTel spec
// uses for HEADERS and RESOURCE_ATTRIBUTES). Returns "" or an error naming
// `setting` and the bad entry's position (values are not echoed: they may
// be secrets).
std::string parse_key_value_list(std::string_view text, std::string_view setting,
                                 std::vector<std::pair<std::string, std::string>>& out);

// The resource every span is reported under: service.name first, then the
// configured attributes.
Resource otlp_resource(const OtlpExporterOptions& options);

}  // namespace pipetrace
