// From an output specification to a running exporter.
#include "sinks/otlp_output.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "sinks/endpoint_url.h"
#include "sinks/otlp_grpc_exporter.h"
#include "sinks/otlp_http_exporter.h"

namespace pipetrace {

namespace {

// Settings that choose the destination: the output's target replaces them.
bool names_destination(std::string_view variable) {
  return variable == "OTEL_EXPORTER_OTLP_ENDPOINT" || variable == "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" ||
         variable == "OTEL_EXPORTER_OTLP_PROTOCOL" || variable == "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL" ||
         variable.starts_with("OTEL_EXPORTER_JAEGER_") || variable.starts_with("TRACES_EXPORTER_");
}

}  // namespace

std::unique_ptr<SpanExporter> make_otlp_exporter(const OtlpExporterOptions& options, RetryEnvironment environment) {
  if (options.protocol == OtlpProtocol::Grpc) {
    return std::make_unique<OtlpGrpcExporter>(options, std::move(environment));
  }
  return std::make_unique<OtlpHttpExporter>(options, std::move(environment));
}

OtlpOptionsResult otlp_options_for_output(std::string_view type, std::string_view target,
                                          const Environment& environment) {
  Environment transport_only;
  for (const auto& [name, value] : environment) {
    if (!names_destination(name)) transport_only.emplace(name, value);
  }
  OtlpOptionsResult result = otlp_options_from_environment(transport_only);
  OtlpExporterOptions& options = result.options;
  options.endpoint_setting = fmt::format("-o {}:", type);
  options.endpoint_as_given = std::string(target);
  if (type == "otlp-http") {
    const auto protocol = environment.find("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") != environment.end()
                              ? environment.find("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
                              : environment.find("OTEL_EXPORTER_OTLP_PROTOCOL");
    const bool json = protocol != environment.end() && protocol->second == "http/json";
    options.protocol = json ? OtlpProtocol::HttpJson : OtlpProtocol::HttpProtobuf;
    const EndpointUrl url = parse_endpoint_url(target);
    options.endpoint = std::string(target);
    if (url.ok() && !url.scheme.empty() && !url.has_explicit_path()) {
      options.endpoint = fmt::format("{}://{}/v1/traces", url.scheme, url.authority());
    }
  } else if (type == "otlp-grpc") {
    options.protocol = OtlpProtocol::Grpc;
    options.endpoint = std::string(target);
  } else {
    result.errors.push_back(fmt::format("output type '{}' is not an OTLP output", type));
    return result;
  }
  result.errors = validate_otlp_options(options);
  return result;
}

std::unique_ptr<SpanSink> make_otlp_output_sink(std::string_view type, std::string_view target,
                                                const Environment& environment, std::string& error,
                                                BatchingOptions batching) {
  OtlpOptionsResult result = otlp_options_for_output(type, target, environment);
  for (const std::string& warning : result.warnings) spdlog::warn("{}", warning);
  if (!result.ok()) {
    error = fmt::format("{}", fmt::join(result.errors, "; "));
    return nullptr;
  }
  auto exporter = make_otlp_exporter(result.options);
  spdlog::info("exporting spans to {}", exporter->describe());
  return std::make_unique<BatchingSpanSink>(std::move(exporter), batching);
}

}  // namespace pipetrace
