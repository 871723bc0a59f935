// AnyValue -> AttributeValue, with JSON text for the nested kinds.
#include "sinks/otlp_any_value.h"

#include "model/base64.h"
#include "sinks/json_text.h"

namespace pipetrace {
namespace {

using opentelemetry::proto::common::v1::AnyValue;

void append_as_json(std::string& out, const AnyValue& value) {
  switch (value.value_case()) {
    case AnyValue::kStringValue:
      append_json_string(out, value.string_value());
      return;
    case AnyValue::kBoolValue:
      out += value.bool_value() ? "true" : "false";
      return;
    case AnyValue::kIntValue:
      append_decimal(out, static_cast<std::int64_t>(value.int_value()));
      return;
    case AnyValue::kDoubleValue:
      append_json_double(out, value.double_value());
      return;
    case AnyValue::kBytesValue:
      append_json_string(out, base64_encode(value.bytes_value()));
      return;
    case AnyValue::kArrayValue: {
      out += '[';
      bool first = true;
      for (const AnyValue& element : value.array_value().values()) {
        if (!first) out += ',';
        first = false;
        append_as_json(out, element);
      }
      out += ']';
      return;
    }
    case AnyValue::kKvlistValue: {
      out += '{';
      bool first = true;
      for (const auto& kv : value.kvlist_value().values()) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, kv.key());
        out += ':';
        append_as_json(out, kv.value());
      }
      out += '}';
      return;
    }
    case AnyValue::VALUE_NOT_SET:
      out += "null";
      return;
  }
}

}  // namespace

AttributeValue to_attribute_value(const AnyValue& value) {
  switch (value.value_case()) {
    case AnyValue::kStringValue:
      return value.string_value();
    case AnyValue::kBoolValue:
      return value.bool_value();
    case AnyValue::kIntValue:
      return static_cast<std::int64_t>(value.int_value());
    case AnyValue::kDoubleValue:
      return value.double_value();
    case AnyValue::kBytesValue:
      return base64_encode(value.bytes_value());
    case AnyValue::kArrayValue:
    case AnyValue::kKvlistValue: {
      std::string text;
      append_as_json(text, value);
      return text;
    }
    case AnyValue::VALUE_NOT_SET:
      break;
  }
  return std::string();
}

}  // namespace pipetrace
