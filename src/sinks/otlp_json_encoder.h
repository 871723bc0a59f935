// Writes span batches as one OTLP/JSON TracesData object, exactly as the
// OpenTelemetry Collector's file exporter writes a line: camelCase keys,
// lowercase hex IDs, kind and status code as integers, 64-bit integers and
// nanosecond times as strings, and the Collector's choice of which empty
// fields to keep (IDs, parentSpanId, resource, scope and status always; the
// rest only when set).
#pragma once

#include <span>
#include <string>

#include "model/span.h"
#include "sinks/instrumentation_scope.h"

namespace pipetrace {

// Appends the TracesData object (no trailing newline) to `out`: one
// ResourceSpans per batch with one ScopeSpans under `scope`. Every span gets
// flags 1 (sampled), as in the protobuf encoding.
void append_otlp_json(std::string& out, std::span<const SpanBatch> batches, const InstrumentationScope& scope = {});

std::string encode_otlp_json(std::span<const SpanBatch> batches, const InstrumentationScope& scope = {});
std::string encode_otlp_json(const SpanBatch& batch, const InstrumentationScope& scope = {});

}  // namespace pipetrace
