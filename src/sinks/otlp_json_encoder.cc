// Span model -> OTLP/JSON text, written directly (no DOM) because replay
// pushes every span through here. Field order follows the .proto declaration
// order, as the Collector's encoder does.
#include "sinks/otlp_json_encoder.h"

#include <type_traits>

#include "sinks/json_text.h"
#include "sinks/otlp_proto_encoder.h"

namespace pipetrace {
namespace {

template <std::size_t N>
void append_hex_id(std::string& out, const std::array<std::uint8_t, N>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  bool all_zero = true;
  for (std::uint8_t b : bytes) all_zero = all_zero && b == 0;
  out += '"';
  // An all-zero ID is "no ID", which OTLP/JSON writes as "".
  if (!all_zero) {
    char hex[2 * N];
    for (std::size_t i = 0; i < N; ++i) {
      hex[2 * i] = kDigits[bytes[i] >> 4];
      hex[2 * i + 1] = kDigits[bytes[i] & 0xF];
    }
    out.append(hex, sizeof hex);
  }
  out += '"';
}

void append_key(std::string& out, bool& first, std::string_view quoted_key_colon) {
  if (!first) out += ',';
  first = false;
  out += quoted_key_colon;
}

void append_nanos(std::string& out, TimeNs t) {
  out += '"';
  append_decimal(out, static_cast<std::uint64_t>(t));
  out += '"';
}

void append_any_value(std::string& out, const AttributeValue& value) {
  std::visit(
      [&out](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          out += "{\"stringValue\":";
          append_json_string(out, v);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          out += "{\"intValue\":\"";
          append_decimal(out, v);
          out += '"';
        } else if constexpr (std::is_same_v<T, double>) {
          out += "{\"doubleValue\":";
          append_json_double(out, v);
        } else {
          out += v ? "{\"boolValue\":true" : "{\"boolValue\":false";
        }
      },
      value);
  out += '}';
}

// `"attributes":[...]`, preceded by a comma unless it is the first field.
void append_attributes(std::string& out, bool& first, const std::vector<Attribute>& attributes) {
  if (attributes.empty()) return;
  append_key(out, first, "\"attributes\":[");
  bool first_attribute = true;
  for (const Attribute& a : attributes) {
    if (!first_attribute) out += ',';
    first_attribute = false;
    out += '{';
    // The Collector leaves out empty strings, even a KeyValue's key.
    if (!a.key.empty()) {
      out += "\"key\":";
      append_json_string(out, a.key);
      out += ',';
    }
    out += "\"value\":";
    append_any_value(out, a.value);
    out += '}';
  }
  out += ']';
}

void append_event(std::string& out, const SpanEvent& event) {
  out += '{';
  bool first = true;
  if (event.time > 0) {
    append_key(out, first, "\"timeUnixNano\":");
    append_nanos(out, event.time);
  }
  if (!event.name.empty()) {
    append_key(out, first, "\"name\":");
    append_json_string(out, event.name);
  }
  append_attributes(out, first, event.attributes);
  out += '}';
}

void append_link(std::string& out, const SpanLink& link) {
  out += "{\"traceId\":";
  append_hex_id(out, link.trace_id.bytes);
  out += ",\"spanId\":";
  append_hex_id(out, link.span_id.bytes);
  bool first = false;
  if (!link.trace_state.empty()) {
    append_key(out, first, "\"traceState\":");
    append_json_string(out, link.trace_state);
  }
  append_attributes(out, first, link.attributes);
  out += '}';
}

void append_span(std::string& out, const Span& span) {
  out += "{\"traceId\":";
  append_hex_id(out, span.trace_id.bytes);
  out += ",\"spanId\":";
  append_hex_id(out, span.span_id.bytes);
  if (!span.trace_state.empty()) {
    out += ",\"traceState\":";
    append_json_string(out, span.trace_state);
  }
  out += ",\"parentSpanId\":";
  append_hex_id(out, span.parent_span_id.bytes);
  out += ",\"flags\":";
  append_decimal(out, static_cast<std::uint64_t>(kSampledFlag));
  bool first = false;
  if (!span.name.empty()) {
    append_key(out, first, "\"name\":");
    append_json_string(out, span.name);
  }
  if (span.kind != SpanKind::Unspecified) {
    append_key(out, first, "\"kind\":");
    append_decimal(out, static_cast<std::int64_t>(span.kind));
  }
  if (span.start > 0) {
    append_key(out, first, "\"startTimeUnixNano\":");
    append_nanos(out, span.start);
  }
  if (span.end > 0) {
    append_key(out, first, "\"endTimeUnixNano\":");
    append_nanos(out, span.end);
  }
  append_attributes(out, first, span.attributes);
  if (!span.events.empty()) {
    out += ",\"events\":[";
    for (std::size_t i = 0; i < span.events.size(); ++i) {
      if (i > 0) out += ',';
      append_event(out, span.events[i]);
    }
    out += ']';
  }
  if (!span.links.empty()) {
    out += ",\"links\":[";
    for (std::size_t i = 0; i < span.links.size(); ++i) {
      if (i > 0) out += ',';
      append_link(out, span.links[i]);
    }
    out += ']';
  }
  // Status: message (field 2) before code (field 3); "{}" when unset.
  out += ",\"status\":{";
  bool first_status = true;
  if (!span.status_message.empty()) {
    append_key(out, first_status, "\"message\":");
    append_json_string(out, span.status_message);
  }
  if (span.status != StatusCode::Unset) {
    append_key(out, first_status, "\"code\":");
    append_decimal(out, static_cast<std::int64_t>(span.status));
  }
  out += "}}";
}

void append_resource_spans(std::string& out, const SpanBatch& batch, const InstrumentationScope& scope) {
  out += "{\"resource\":{";
  bool first = true;
  append_attributes(out, first, batch.resource.attributes);
  out += "},\"scopeSpans\":[{\"scope\":{";
  bool first_scope_field = true;
  if (!scope.name.empty()) {
    append_key(out, first_scope_field, "\"name\":");
    append_json_string(out, scope.name);
  }
  if (!scope.version.empty()) {
    append_key(out, first_scope_field, "\"version\":");
    append_json_string(out, scope.version);
  }
  out += '}';
  if (!batch.spans.empty()) {
    out += ",\"spans\":[";
    for (std::size_t i = 0; i < batch.spans.size(); ++i) {
      if (i > 0) out += ',';
      append_span(out, batch.spans[i]);
    }
    out += ']';
  }
  out += "}]}";
}

}  // namespace

void append_otlp_json(std::string& out, std::span<const SpanBatch> batches, const InstrumentationScope& scope) {
  if (batches.empty()) {
    out += "{}";
    return;
  }
  out += "{\"resourceSpans\":[";
  for (std::size_t i = 0; i < batches.size(); ++i) {
    if (i > 0) out += ',';
    append_resource_spans(out, batches[i], scope);
  }
  out += "]}";
}

std::string encode_otlp_json(std::span<const SpanBatch> batches, const InstrumentationScope& scope) {
  std::string out;
  std::size_t spans = 0;
  for (const SpanBatch& b : batches) spans += b.spans.size();
  out.reserve(256 + spans * 512);
  append_otlp_json(out, batches, scope);
  return out;
}

std::string encode_otlp_json(const SpanBatch& batch, const InstrumentationScope& scope) {
  return encode_otlp_json(std::span<const SpanBatch>(&batch, 1), scope);
}

}  // namespace pipetrace
