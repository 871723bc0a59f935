// Reads OTLP protobuf (an ExportTraceServiceRequest or TracesData, which share
// their wire layout) back into span batches: what the test receivers and the
// spool use to look at what an exporter sent.
#pragma once

#include <string_view>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "sinks/otlp_decode_result.h"

namespace pipetrace {

// All ScopeSpans of one ResourceSpans go into one batch (the span model keeps
// no scope). Array, key-value list and bytes attribute values, which the span
// model cannot hold, become strings: JSON text for the first two, base64 for
// bytes.
OtlpDecodeResult decode_otlp_proto(std::string_view bytes);
OtlpDecodeResult from_otlp_request(const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request);

}  // namespace pipetrace
