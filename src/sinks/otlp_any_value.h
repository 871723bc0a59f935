// Maps OTLP AnyValue onto the span model's attribute value, shared by the
// protobuf and JSON decoders so that both read the same input the same way.
#pragma once

#include "model/span.h"
#include "opentelemetry/proto/common/v1/common.pb.h"

namespace pipetrace {

// Scalars map one to one. The model has no array, map or bytes type, so
// those become strings: arrays and key-value lists as compact JSON text
// (["a",1], {"k":true}), bytes as base64. An empty AnyValue becomes "".
AttributeValue to_attribute_value(const opentelemetry::proto::common::v1::AnyValue& value);

}  // namespace pipetrace
