// Turns finished span batches into the OTLP protobuf export request that the
// HTTP (application/x-protobuf) and gRPC exporters send.
#pragma once

#include <span>
#include <string>

#include "model/span.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "sinks/instrumentation_scope.h"

namespace pipetrace {

// W3C trace-flags "sampled" bit, set on every span pipetrace reports: all of
// them are recorded, none are sampled away.
inline constexpr std::uint32_t kSampledFlag = 0x01;

// One ResourceSpans per batch, holding one ScopeSpans under `scope`. Strings
// that are not valid UTF-8 are repaired (U+FFFD), since proto3 receivers
// reject such strings and with them the whole request.
opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest to_otlp_request(
    std::span<const SpanBatch> batches, const InstrumentationScope& scope = {});

// Fills one ResourceSpans (cleared first) from a batch.
void to_otlp_resource_spans(const SpanBatch& batch, const InstrumentationScope& scope,
                            opentelemetry::proto::trace::v1::ResourceSpans& out);

// The request in protobuf wire format. The same bytes are a valid
// TracesData message (both hold resource_spans as field 1).
std::string encode_otlp_proto(std::span<const SpanBatch> batches, const InstrumentationScope& scope = {});
std::string encode_otlp_proto(const SpanBatch& batch, const InstrumentationScope& scope = {});

}  // namespace pipetrace
