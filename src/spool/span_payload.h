// How one span travels through the spool: as the OTLP protobuf TracesData of
// a single span under its resource, the compact form the exporters already
// speak, so that what is read back is exactly what the tracer emitted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/span.h"

namespace pipetrace::spool {

std::string encode_span_payload(const Resource& resource, const Span& span);

// The span and its resource; false when the bytes are no such message.
bool decode_span_payload(std::string_view bytes, Resource& resource, Span& span);

// Consecutive spans of one resource grouped under one batch, as exported.
std::vector<SpanBatch> group_by_resource(std::vector<std::pair<Resource, Span>> spans);

}  // namespace pipetrace::spool
