// ExportTraceServiceRequest wire format from span batches in two walks over
// the same data: the first computes the length of every nested message (the
// prefix protobuf writes before a message's bytes), the second writes into a
// buffer of exactly the request's size. Field numbers are those protoc
// generated from proto/opentelemetry/proto/**.proto; presence rules are
// those its generated serializer applies (proto3: zero numbers and empty strings or bytes
// are left out; message fields are written when set, even if empty; a oneof
// member is written whatever its value; fields in field-number order).
#include "sinks/otlp_wire_writer.h"

#include <cassert>
#include <climits>
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include "sinks/otlp_proto_encoder.h"
#include "sinks/utf8_repair.h"

namespace pipetrace {
namespace {

using google::protobuf::io::CodedOutputStream;
using google::protobuf::internal::WireFormatLite;

// Field numbers as protoc generated them from our .proto files.
namespace common_pb = opentelemetry::proto::common::v1;
namespace trace_pb = opentelemetry::proto::trace::v1;
namespace request_field {
constexpr int kResourceSpans =
    opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest::kResourceSpansFieldNumber;
}
namespace resource_spans_field {
constexpr int kResource = trace_pb::ResourceSpans::kResourceFieldNumber;
constexpr int kScopeSpans = trace_pb::ResourceSpans::kScopeSpansFieldNumber;
}  // namespace resource_spans_field
namespace resource_field {
constexpr int kAttributes = opentelemetry::proto::resource::v1::Resource::kAttributesFieldNumber;
}
namespace scope_spans_field {
constexpr int kScope = trace_pb::ScopeSpans::kScopeFieldNumber;
constexpr int kSpans = trace_pb::ScopeSpans::kSpansFieldNumber;
}  // namespace scope_spans_field
namespace scope_field {
constexpr int kName = common_pb::InstrumentationScope::kNameFieldNumber;
constexpr int kVersion = common_pb::InstrumentationScope::kVersionFieldNumber;
}  // namespace scope_field
namespace span_field {
constexpr int kTraceId = trace_pb::Span::kTraceIdFieldNumber;
constexpr int kSpanId = trace_pb::Span::kSpanIdFieldNumber;
constexpr int kTraceState = trace_pb::Span::kTraceStateFieldNumber;
constexpr int kParentSpanId = trace_pb::Span::kParentSpanIdFieldNumber;
constexpr int kName = trace_pb::Span::kNameFieldNumber;
constexpr int kKind = trace_pb::Span::kKindFieldNumber;
constexpr int kStartTimeUnixNano = trace_pb::Span::kStartTimeUnixNanoFieldNumber;
constexpr int kEndTimeUnixNano = trace_pb::Span::kEndTimeUnixNanoFieldNumber;
constexpr int kAttributes = trace_pb::Span::kAttributesFieldNumber;
constexpr int kEvents = trace_pb::Span::kEventsFieldNumber;
constexpr int kLinks = trace_pb::Span::kLinksFieldNumber;
constexpr int kStatus = trace_pb::Span::kStatusFieldNumber;
constexpr int kFlags = trace_pb::Span::kFlagsFieldNumber;
}  // namespace span_field
namespace event_field {
constexpr int kTimeUnixNano = trace_pb::Span::Event::kTimeUnixNanoFieldNumber;
constexpr int kName = trace_pb::Span::Event::kNameFieldNumber;
constexpr int kAttributes = trace_pb::Span::Event::kAttributesFieldNumber;
}  // namespace event_field
namespace link_field {
constexpr int kTraceId = trace_pb::Span::Link::kTraceIdFieldNumber;
constexpr int kSpanId = trace_pb::Span::Link::kSpanIdFieldNumber;
constexpr int kTraceState = trace_pb::Span::Link::kTraceStateFieldNumber;
constexpr int kAttributes = trace_pb::Span::Link::kAttributesFieldNumber;
}  // namespace link_field
namespace status_field {
constexpr int kMessage = trace_pb::Status::kMessageFieldNumber;
constexpr int kCode = trace_pb::Status::kCodeFieldNumber;
}  // namespace status_field
namespace key_value_field {
constexpr int kKey = common_pb::KeyValue::kKeyFieldNumber;
constexpr int kValue = common_pb::KeyValue::kValueFieldNumber;
}  // namespace key_value_field
namespace any_value_field {
constexpr int kStringValue = common_pb::AnyValue::kStringValueFieldNumber;
constexpr int kBoolValue = common_pb::AnyValue::kBoolValueFieldNumber;
constexpr int kIntValue = common_pb::AnyValue::kIntValueFieldNumber;
constexpr int kDoubleValue = common_pb::AnyValue::kDoubleValueFieldNumber;
}  // namespace any_value_field

std::uint64_t unix_nanos(TimeNs t) { return t > 0 ? static_cast<std::uint64_t>(t) : 0; }

bool has_status(const Span& span) { return span.status != StatusCode::Unset || !span.status_message.empty(); }

std::size_t tag_size(int field) { return WireFormatLite::TagSize(field, WireFormatLite::TYPE_BYTES); }

std::size_t length_delimited_size(int field, std::size_t length) {
  return tag_size(field) + CodedOutputStream::VarintSize64(length) + length;
}

std::size_t text_field_size(int field, std::string_view text) {
  return text.empty() ? 0 : length_delimited_size(field, text.size());
}

template <typename Id>
std::size_t id_field_size(int field, const Id& id) {
  // An all-zero ID means "none": OTLP encodes that as empty bytes, which
  // proto3 leaves out.
  return id.empty() ? 0 : length_delimited_size(field, id.bytes.size());
}

std::size_t fixed64_field_size(int field, std::uint64_t value) {
  return value == 0 ? 0 : tag_size(field) + sizeof(std::uint64_t);
}

std::size_t enum_field_size(int field, int value) {
  return value == 0 ? 0 : tag_size(field) + WireFormatLite::EnumSize(value);
}

std::uint8_t* write_length_delimited_header(int field, std::size_t length, std::uint8_t* out) {
  out = WireFormatLite::WriteTagToArray(field, WireFormatLite::WIRETYPE_LENGTH_DELIMITED, out);
  return CodedOutputStream::WriteVarint32ToArray(static_cast<std::uint32_t>(length), out);
}

std::uint8_t* write_raw(std::string_view bytes, std::uint8_t* out) {
  return CodedOutputStream::WriteRawToArray(bytes.data(), static_cast<int>(bytes.size()), out);
}

std::uint8_t* write_text_field(int field, std::string_view text, std::uint8_t* out) {
  if (text.empty()) return out;
  return write_raw(text, write_length_delimited_header(field, text.size(), out));
}

template <typename Id>
std::uint8_t* write_id_field(int field, const Id& id, std::uint8_t* out) {
  if (id.empty()) return out;
  out = write_length_delimited_header(field, id.bytes.size(), out);
  return CodedOutputStream::WriteRawToArray(id.bytes.data(), static_cast<int>(id.bytes.size()), out);
}

std::uint8_t* write_fixed64_field(int field, std::uint64_t value, std::uint8_t* out) {
  return value == 0 ? out : WireFormatLite::WriteFixed64ToArray(field, value, out);
}

std::uint8_t* write_enum_field(int field, int value, std::uint8_t* out) {
  return value == 0 ? out : WireFormatLite::WriteEnumToArray(field, value, out);
}

// AnyValue bodies. A oneof member is written whatever its value (an empty
// string, 0, false), since setting it is what makes it present.
std::size_t scalar_value_size(const AttributeValue& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    return tag_size(any_value_field::kIntValue) + WireFormatLite::Int64Size(*i);
  }
  if (std::holds_alternative<double>(value)) {
    return tag_size(any_value_field::kDoubleValue) + WireFormatLite::kDoubleSize;
  }
  return tag_size(any_value_field::kBoolValue) + WireFormatLite::kBoolSize;
}

std::uint8_t* write_text_value(std::string_view text, std::uint8_t* out) {
  return write_raw(text, write_length_delimited_header(any_value_field::kStringValue, text.size(), out));
}

std::uint8_t* write_scalar_value(const AttributeValue& value, std::uint8_t* out) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    return WireFormatLite::WriteInt64ToArray(any_value_field::kIntValue, *i, out);
  }
  if (const auto* d = std::get_if<double>(&value)) {
    return WireFormatLite::WriteDoubleToArray(any_value_field::kDoubleValue, *d, out);
  }
  return WireFormatLite::WriteBoolToArray(any_value_field::kBoolValue, std::get<bool>(value), out);
}

class RequestWireWriter {
 public:
  std::string write(std::span<const SpanBatch> batches, const InstrumentationScope& scope) {
    reserve_message_sizes(batches);
    std::size_t total = 0;
    for (const SpanBatch& batch : batches) {
      total += length_delimited_size(request_field::kResourceSpans, resource_spans_size(batch, scope));
    }
    // What protobuf's serializer does with a request past its limit.
    if (total > static_cast<std::size_t>(INT_MAX)) return {};

    std::string bytes(total, '\0');
    auto* const begin = reinterpret_cast<std::uint8_t*>(bytes.data());
    std::uint8_t* out = begin;
    for (const SpanBatch& batch : batches) out = write_resource_spans(batch, scope, out);
    // Both walks visit the same fields in the same order; anything else is a
    // bug in this file.
    assert(out == begin + total);
    assert(next_message_size_ == message_sizes_.size() && next_repair_ == repairs_.size());
    return bytes;
  }

 private:
  // ---- Sizing walk. Every message whose length is needed twice (once for
  // its parent's length, once for its own prefix) gets a slot in
  // message_sizes_, in the order the writing walk meets them.

  void reserve_message_sizes(std::span<const SpanBatch> batches) {
    std::size_t count = 0;
    for (const SpanBatch& batch : batches) {
      count += 3;  // ResourceSpans, Resource, ScopeSpans
      for (const Span& span : batch.spans) count += 1 + span.events.size() + span.links.size();
    }
    message_sizes_.reserve(count);
  }

  std::size_t open_message() {
    message_sizes_.push_back(0);
    return message_sizes_.size() - 1;
  }

  std::size_t close_message(std::size_t slot, std::size_t size) {
    message_sizes_[slot] = size;
    return size;
  }

  // The size of a string field's content once repaired. Repairs are kept, in
  // visiting order, for the writing walk.
  std::size_t text_size(std::string_view text) {
    if (is_valid_utf8(text)) return text.size();
    repairs_.push_back({text.data(), replace_invalid_utf8(text)});
    return repairs_.back().text.size();
  }

  std::size_t sized_text_field(int field, std::string_view text) {
    const std::size_t size = text_size(text);
    return size == 0 ? 0 : length_delimited_size(field, size);
  }

  std::size_t any_value_size(const AttributeValue& value) {
    if (const auto* s = std::get_if<std::string>(&value)) {
      return length_delimited_size(any_value_field::kStringValue, text_size(*s));
    }
    return scalar_value_size(value);
  }

  std::size_t attributes_size(int field, const std::vector<Attribute>& attributes) {
    std::size_t size = 0;
    for (const Attribute& a : attributes) {
      const std::size_t key = sized_text_field(key_value_field::kKey, a.key);
      const std::size_t value = length_delimited_size(key_value_field::kValue, any_value_size(a.value));
      size += length_delimited_size(field, key + value);
    }
    return size;
  }

  std::size_t event_size(const SpanEvent& event) {
    const std::size_t slot = open_message();
    std::size_t size = fixed64_field_size(event_field::kTimeUnixNano, unix_nanos(event.time));
    size += sized_text_field(event_field::kName, event.name);
    size += attributes_size(event_field::kAttributes, event.attributes);
    return close_message(slot, size);
  }

  std::size_t link_size(const SpanLink& link) {
    const std::size_t slot = open_message();
    std::size_t size = id_field_size(link_field::kTraceId, link.trace_id);
    size += id_field_size(link_field::kSpanId, link.span_id);
    size += sized_text_field(link_field::kTraceState, link.trace_state);
    size += attributes_size(link_field::kAttributes, link.attributes);
    return close_message(slot, size);
  }

  std::size_t status_size(const Span& span) {
    return sized_text_field(status_field::kMessage, span.status_message) +
           enum_field_size(status_field::kCode, static_cast<int>(span.status));
  }

  std::size_t span_size(const Span& span) {
    const std::size_t slot = open_message();
    std::size_t size = id_field_size(span_field::kTraceId, span.trace_id);
    size += id_field_size(span_field::kSpanId, span.span_id);
    size += sized_text_field(span_field::kTraceState, span.trace_state);
    size += id_field_size(span_field::kParentSpanId, span.parent_span_id);
    size += sized_text_field(span_field::kName, span.name);
    size += enum_field_size(span_field::kKind, static_cast<int>(span.kind));
    size += fixed64_field_size(span_field::kStartTimeUnixNano, unix_nanos(span.start));
    size += fixed64_field_size(span_field::kEndTimeUnixNano, unix_nanos(span.end));
    size += attributes_size(span_field::kAttributes, span.attributes);
    for (const SpanEvent& event : span.events) size += length_delimited_size(span_field::kEvents, event_size(event));
    for (const SpanLink& link : span.links) size += length_delimited_size(span_field::kLinks, link_size(link));
    if (has_status(span)) size += length_delimited_size(span_field::kStatus, status_size(span));
    size += WireFormatLite::TagSize(span_field::kFlags, WireFormatLite::TYPE_FIXED32) + WireFormatLite::kFixed32Size;
    return close_message(slot, size);
  }

  std::size_t scope_spans_size(const SpanBatch& batch, const InstrumentationScope& scope) {
    const std::size_t slot = open_message();
    const std::size_t scope_size =
        sized_text_field(scope_field::kName, scope.name) + sized_text_field(scope_field::kVersion, scope.version);
    std::size_t size = length_delimited_size(scope_spans_field::kScope, scope_size);
    for (const Span& span : batch.spans) size += length_delimited_size(scope_spans_field::kSpans, span_size(span));
    return close_message(slot, size);
  }

  std::size_t resource_spans_size(const SpanBatch& batch, const InstrumentationScope& scope) {
    const std::size_t slot = open_message();
    const std::size_t resource_slot = open_message();
    const std::size_t resource_size =
        close_message(resource_slot, attributes_size(resource_field::kAttributes, batch.resource.attributes));
    std::size_t size = length_delimited_size(resource_spans_field::kResource, resource_size);
    size += length_delimited_size(resource_spans_field::kScopeSpans, scope_spans_size(batch, scope));
    return close_message(slot, size);
  }

  // ---- Writing walk: the same fields in the same order.

  std::size_t next_message_size() { return message_sizes_[next_message_size_++]; }

  // The string as written: its repaired copy if the sizing walk made one.
  std::string_view text(std::string_view original) {
    if (next_repair_ < repairs_.size() && repairs_[next_repair_].original == original.data()) {
      return repairs_[next_repair_++].text;
    }
    return original;
  }

  std::uint8_t* write_attributes(int field, const std::vector<Attribute>& attributes, std::uint8_t* out) {
    for (const Attribute& a : attributes) {
      const std::string_view key = text(a.key);
      // A KeyValue's length is cheap to recompute once its strings are known,
      // so it takes no slot in message_sizes_.
      std::optional<std::string_view> string_value;
      if (const auto* s = std::get_if<std::string>(&a.value)) string_value = text(*s);
      const std::size_t value_size = string_value
                                         ? length_delimited_size(any_value_field::kStringValue, string_value->size())
                                         : scalar_value_size(a.value);
      const std::size_t key_value_size =
          text_field_size(key_value_field::kKey, key) + length_delimited_size(key_value_field::kValue, value_size);
      out = write_length_delimited_header(field, key_value_size, out);
      out = write_text_field(key_value_field::kKey, key, out);
      out = write_length_delimited_header(key_value_field::kValue, value_size, out);
      out = string_value ? write_text_value(*string_value, out) : write_scalar_value(a.value, out);
    }
    return out;
  }

  std::uint8_t* write_event(const SpanEvent& event, std::uint8_t* out) {
    out = write_length_delimited_header(span_field::kEvents, next_message_size(), out);
    out = write_fixed64_field(event_field::kTimeUnixNano, unix_nanos(event.time), out);
    out = write_text_field(event_field::kName, text(event.name), out);
    return write_attributes(event_field::kAttributes, event.attributes, out);
  }

  std::uint8_t* write_link(const SpanLink& link, std::uint8_t* out) {
    out = write_length_delimited_header(span_field::kLinks, next_message_size(), out);
    out = write_id_field(link_field::kTraceId, link.trace_id, out);
    out = write_id_field(link_field::kSpanId, link.span_id, out);
    out = write_text_field(link_field::kTraceState, text(link.trace_state), out);
    return write_attributes(link_field::kAttributes, link.attributes, out);
  }

  std::uint8_t* write_status(const Span& span, std::uint8_t* out) {
    const std::string_view message = text(span.status_message);
    const int code = static_cast<int>(span.status);
    const std::size_t size = text_field_size(status_field::kMessage, message) + enum_field_size(status_field::kCode, code);
    out = write_length_delimited_header(span_field::kStatus, size, out);
    out = write_text_field(status_field::kMessage, message, out);
    return write_enum_field(status_field::kCode, code, out);
  }

  std::uint8_t* write_span(const Span& span, std::uint8_t* out) {
    out = write_length_delimited_header(scope_spans_field::kSpans, next_message_size(), out);
    out = write_id_field(span_field::kTraceId, span.trace_id, out);
    out = write_id_field(span_field::kSpanId, span.span_id, out);
    out = write_text_field(span_field::kTraceState, text(span.trace_state), out);
    out = write_id_field(span_field::kParentSpanId, span.parent_span_id, out);
    out = write_text_field(span_field::kName, text(span.name), out);
    out = write_enum_field(span_field::kKind, static_cast<int>(span.kind), out);
    out = write_fixed64_field(span_field::kStartTimeUnixNano, unix_nanos(span.start), out);
    out = write_fixed64_field(span_field::kEndTimeUnixNano, unix_nanos(span.end), out);
    out = write_attributes(span_field::kAttributes, span.attributes, out);
    for (const SpanEvent& event : span.events) out = write_event(event, out);
    for (const SpanLink& link : span.links) out = write_link(link, out);
    if (has_status(span)) out = write_status(span, out);
    return WireFormatLite::WriteFixed32ToArray(span_field::kFlags, kSampledFlag, out);
  }

  std::uint8_t* write_resource_spans(const SpanBatch& batch, const InstrumentationScope& scope, std::uint8_t* out) {
    out = write_length_delimited_header(request_field::kResourceSpans, next_message_size(), out);
    out = write_length_delimited_header(resource_spans_field::kResource, next_message_size(), out);
    out = write_attributes(resource_field::kAttributes, batch.resource.attributes, out);

    out = write_length_delimited_header(resource_spans_field::kScopeSpans, next_message_size(), out);
    const std::string_view name = text(scope.name);
    const std::string_view version = text(scope.version);
    out = write_length_delimited_header(
        scope_spans_field::kScope,
        text_field_size(scope_field::kName, name) + text_field_size(scope_field::kVersion, version), out);
    out = write_text_field(scope_field::kName, name, out);
    out = write_text_field(scope_field::kVersion, version, out);
    for (const Span& span : batch.spans) out = write_span(span, out);
    return out;
  }

  // A repaired text is known by where its original's characters are: only
  // invalid text is repaired, and no two such texts share their storage.
  struct RepairedText {
    const char* original;
    std::string text;
  };

  std::vector<std::size_t> message_sizes_;
  std::size_t next_message_size_ = 0;
  std::vector<RepairedText> repairs_;  // usually empty
  std::size_t next_repair_ = 0;
};

}  // namespace

std::string write_otlp_wire_request(std::span<const SpanBatch> batches, const InstrumentationScope& scope) {
  return RequestWireWriter().write(batches, scope);
}

}  // namespace pipetrace
