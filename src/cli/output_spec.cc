// Output specifications for replay (and later serve).
#include "cli/output_spec.h"

#include "sinks/jsonl_file_sink.h"
#include "sinks/otlp_output.h"
#include "store/store_sink.h"

namespace pipetrace {

std::string parse_output_spec(const std::string& text, OutputSpec& out) {
  auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return "output '" + text + "' is not TYPE:TARGET (e.g. jsonl:-, jsonl:traces.jsonl, store:DIR, " +
           "otlp-http:https://collector:4318, otlp-grpc:collector:4317)";
  }
  out.type = text.substr(0, colon);
  out.target = text.substr(colon + 1);
  if (out.type != "jsonl" && out.type != "store" && out.type != "otlp-http" && out.type != "otlp-grpc") {
    return "output type '" + out.type + "' is unknown; use jsonl, store, otlp-http or otlp-grpc";
  }
  return {};
}

std::unique_ptr<SpanSink> make_output_sink(const OutputSpec& spec, std::string& error) {
  if (spec.type == "jsonl") {
    auto sink = std::make_unique<JsonlFileSink>(spec.target);
    if (!sink->ok()) {
      error = sink->error();
      return nullptr;
    }
    return sink;
  }
  if (spec.type == "otlp-http" || spec.type == "otlp-grpc") {
    // Batched on a background thread; TLS files, headers and compression come
    // from the OTEL_EXPORTER_OTLP_* variables, and plain text is refused
    // outside loopback and in-cluster names.
    return make_otlp_output_sink(spec.type, spec.target, process_environment(), error);
  }
  if (spec.type == "store") {
    auto sink = std::make_unique<StoreSink>(spec.target);
    if (!sink->ok()) {
      error = sink->open_error();
      return nullptr;
    }
    return sink;
  }
  error = "output type '" + spec.type + "' is unknown";
  return nullptr;
}

}  // namespace pipetrace
