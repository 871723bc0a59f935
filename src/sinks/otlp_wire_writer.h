// Writes the OTLP trace export request in protobuf wire format straight from
// span batches, without building the generated message objects first: the
// hot path of the HTTP and gRPC exporters, where building thousands of
// messages per request only to serialize and drop them cost more than the
// bytes themselves.
#pragma once

#include <span>
#include <string>

#include "model/span.h"
#include "sinks/instrumentation_scope.h"

namespace pipetrace {

// Byte for byte what to_otlp_request(batches, scope).SerializeAsString()
// gives (same fields, same order, same defaults left out, same UTF-8
// repair), including the empty string protobuf returns for a request over
// its 2 GiB limit.
std::string write_otlp_wire_request(std::span<const SpanBatch> batches, const InstrumentationScope& scope);

}  // namespace pipetrace
