// Span model -> OTLP protobuf.
#include "sinks/otlp_proto_encoder.h"

#include <algorithm>
#include <type_traits>

#include "sinks/otlp_wire_writer.h"
#include "sinks/utf8_repair.h"

namespace pipetrace {
namespace {

namespace common_pb = opentelemetry::proto::common::v1;
namespace trace_pb = opentelemetry::proto::trace::v1;

void set_text(std::string* field, std::string_view value) {
  if (is_valid_utf8(value)) {
    *field = value;
  } else {
    *field = replace_invalid_utf8(value);
  }
}

template <typename Id>
void set_id(std::string* field, const Id& id) {
  // An all-zero ID means "none": OTLP encodes that as empty bytes.
  if (id.empty()) {
    field->clear();
  } else {
    field->assign(reinterpret_cast<const char*>(id.bytes.data()), id.bytes.size());
  }
}

std::uint64_t unix_nanos(TimeNs t) { return t > 0 ? static_cast<std::uint64_t>(t) : 0; }

void set_value(const AttributeValue& value, common_pb::AnyValue& out) {
  std::visit(
      [&out](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          set_text(out.mutable_string_value(), v);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          out.set_int_value(v);
        } else if constexpr (std::is_same_v<T, double>) {
          out.set_double_value(v);
        } else {
          out.set_bool_value(v);
        }
      },
      value);
}

void add_attributes(const std::vector<Attribute>& attributes,
                    google::protobuf::RepeatedPtrField<common_pb::KeyValue>& out) {
  out.Reserve(static_cast<int>(attributes.size()));
  for (const Attribute& a : attributes) {
    common_pb::KeyValue* kv = out.Add();
    set_text(kv->mutable_key(), a.key);
    set_value(a.value, *kv->mutable_value());
  }
}

void to_otlp_span(const Span& span, trace_pb::Span& out) {
  set_id(out.mutable_trace_id(), span.trace_id);
  set_id(out.mutable_span_id(), span.span_id);
  set_id(out.mutable_parent_span_id(), span.parent_span_id);
  set_text(out.mutable_trace_state(), span.trace_state);
  out.set_flags(kSampledFlag);
  set_text(out.mutable_name(), span.name);
  out.set_kind(static_cast<trace_pb::Span::SpanKind>(span.kind));
  out.set_start_time_unix_nano(unix_nanos(span.start));
  out.set_end_time_unix_nano(unix_nanos(span.end));
  add_attributes(span.attributes, *out.mutable_attributes());
  for (const SpanEvent& event : span.events) {
    trace_pb::Span::Event* e = out.add_events();
    e->set_time_unix_nano(unix_nanos(event.time));
    set_text(e->mutable_name(), event.name);
    add_attributes(event.attributes, *e->mutable_attributes());
  }
  for (const SpanLink& link : span.links) {
    trace_pb::Span::Link* l = out.add_links();
    set_id(l->mutable_trace_id(), link.trace_id);
    set_id(l->mutable_span_id(), link.span_id);
    set_text(l->mutable_trace_state(), link.trace_state);
    add_attributes(link.attributes, *l->mutable_attributes());
  }
  if (span.status != StatusCode::Unset || !span.status_message.empty()) {
    trace_pb::Status* status = out.mutable_status();
    status->set_code(static_cast<trace_pb::Status::StatusCode>(span.status));
    set_text(status->mutable_message(), span.status_message);
  }
}

}  // namespace

void to_otlp_resource_spans(const SpanBatch& batch, const InstrumentationScope& scope,
                            trace_pb::ResourceSpans& out) {
  out.Clear();
  add_attributes(batch.resource.attributes, *out.mutable_resource()->mutable_attributes());
  trace_pb::ScopeSpans* scope_spans = out.add_scope_spans();
  set_text(scope_spans->mutable_scope()->mutable_name(), scope.name);
  set_text(scope_spans->mutable_scope()->mutable_version(), scope.version);
  scope_spans->mutable_spans()->Reserve(static_cast<int>(batch.spans.size()));
  for (const Span& span : batch.spans) to_otlp_span(span, *scope_spans->add_spans());
}

namespace {

void fill_request(std::span<const SpanBatch> batches, const InstrumentationScope& scope,
                  opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request) {
  request.mutable_resource_spans()->Reserve(static_cast<int>(batches.size()));
  for (const SpanBatch& batch : batches) {
    to_otlp_resource_spans(batch, scope, *request.add_resource_spans());
  }
}

}  // namespace

opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest to_otlp_request(
    std::span<const SpanBatch> batches, const InstrumentationScope& scope) {
  opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest request;
  fill_request(batches, scope, request);
  return request;
}

std::string encode_otlp_proto(std::span<const SpanBatch> batches, const InstrumentationScope& scope) {
  // Building the message objects only to serialize and drop them cost more
  // than the bytes: the wire writer produces the same bytes directly.
  return write_otlp_wire_request(batches, scope);
}

std::string encode_otlp_proto(const SpanBatch& batch, const InstrumentationScope& scope) {
  return encode_otlp_proto(std::span<const SpanBatch>(&batch, 1), scope);
}

}  // namespace pipetrace
