// Builds the live OTLP exporters and the batching sink in front of them, for
// the command line's `-o otlp-http:URL` / `-o otlp-grpc:HOST:PORT` outputs
// and for `serve`.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "sinks/batching_span_sink.h"
#include "sinks/otlp_exporter_options.h"
#include "sinks/span_exporter.h"

namespace pipetrace {

// The exporter for `options.protocol` (options already validated).
std::unique_ptr<SpanExporter> make_otlp_exporter(const OtlpExporterOptions& options, RetryEnvironment environment = {});

// The options of an output: type "otlp-http" takes a URL (https://host:4318
// gets the /v1/traces path added when it has no path; a URL with a path is
// used as is) and sends http/protobuf, or http/json when
// OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL says so; type "otlp-grpc" takes
// HOST:PORT (TLS, or plain text with OTEL_EXPORTER_OTLP_INSECURE=true) or
// http://HOST:PORT (plain text) / https://HOST:PORT. Headers, compression,
// timeout and TLS files come from `environment`; endpoint variables there are
// ignored (the output names the endpoint). Validated, plain-text rule included.
OtlpOptionsResult otlp_options_for_output(std::string_view type, std::string_view target,
                                          const Environment& environment);

// The batching sink for an output, or nullptr with `error` set. Warnings
// about the environment are logged.
std::unique_ptr<SpanSink> make_otlp_output_sink(std::string_view type, std::string_view target,
                                                const Environment& environment, std::string& error,
                                                BatchingOptions batching = {});

}  // namespace pipetrace
