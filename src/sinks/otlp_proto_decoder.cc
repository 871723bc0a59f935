// OTLP protobuf -> span model.
#include "sinks/otlp_proto_decoder.h"

#include <cstring>
#include <limits>

#include "sinks/otlp_any_value.h"

namespace pipetrace {
namespace {

namespace common_pb = opentelemetry::proto::common::v1;
namespace trace_pb = opentelemetry::proto::trace::v1;

// Empty bytes mean "no ID"; any other length than the ID's is an error.
template <typename Id>
bool read_id(const std::string& bytes, Id& out) {
  if (bytes.empty()) {
    out = Id{};
    return true;
  }
  if (bytes.size() != out.bytes.size()) return false;
  std::memcpy(out.bytes.data(), bytes.data(), out.bytes.size());
  return true;
}

std::string id_error(const std::string& where, const std::string& bytes, std::size_t expected) {
  return where + ": " + std::to_string(bytes.size()) + " bytes, expected " + std::to_string(expected) +
         " or none";
}

// fixed64 nanoseconds beyond int64 cannot be a real time; clamp rather than wrap.
TimeNs read_time(std::uint64_t nanos) {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<TimeNs>::max());
  return static_cast<TimeNs>(nanos > kMax ? kMax : nanos);
}

std::vector<Attribute> read_attributes(const google::protobuf::RepeatedPtrField<common_pb::KeyValue>& kvs) {
  std::vector<Attribute> out;
  out.reserve(static_cast<std::size_t>(kvs.size()));
  for (const common_pb::KeyValue& kv : kvs) out.push_back({kv.key(), to_attribute_value(kv.value())});
  return out;
}

SpanKind read_kind(int kind) {
  return kind >= 0 && kind <= 5 ? static_cast<SpanKind>(kind) : SpanKind::Unspecified;
}

StatusCode read_status(int code) { return code >= 0 && code <= 2 ? static_cast<StatusCode>(code) : StatusCode::Unset; }

// Where a span sits in the request, spelled out only when reporting an error.
struct SpanPosition {
  int resource = 0;
  int scope = 0;
  int span = 0;
  std::string str() const {
    return "resource_spans[" + std::to_string(resource) + "].scope_spans[" + std::to_string(scope) + "].spans[" +
           std::to_string(span) + "]";
  }
};

std::string read_span(const trace_pb::Span& in, const SpanPosition& position, Span& out) {
  const auto where = [&position] { return position.str(); };
  if (!read_id(in.trace_id(), out.trace_id)) return id_error(where() + ".trace_id", in.trace_id(), 16);
  if (!read_id(in.span_id(), out.span_id)) return id_error(where() + ".span_id", in.span_id(), 8);
  if (!read_id(in.parent_span_id(), out.parent_span_id)) {
    return id_error(where() + ".parent_span_id", in.parent_span_id(), 8);
  }
  out.trace_state = in.trace_state();
  out.name = in.name();
  out.kind = read_kind(in.kind());
  out.start = read_time(in.start_time_unix_nano());
  out.end = read_time(in.end_time_unix_nano());
  out.attributes = read_attributes(in.attributes());
  for (const auto& e : in.events()) {
    out.events.push_back({read_time(e.time_unix_nano()), e.name(), read_attributes(e.attributes())});
  }
  for (int i = 0; i < in.links_size(); ++i) {
    const auto& l = in.links(i);
    SpanLink link;
    const auto link_where = [&] { return where() + ".links[" + std::to_string(i) + "]"; };
    if (!read_id(l.trace_id(), link.trace_id)) return id_error(link_where() + ".trace_id", l.trace_id(), 16);
    if (!read_id(l.span_id(), link.span_id)) return id_error(link_where() + ".span_id", l.span_id(), 8);
    link.trace_state = l.trace_state();
    link.attributes = read_attributes(l.attributes());
    out.links.push_back(std::move(link));
  }
  out.status = read_status(in.status().code());
  out.status_message = in.status().message();
  return {};
}

}  // namespace

OtlpDecodeResult from_otlp_request(
    const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request) {
  OtlpDecodeResult result;
  result.batches.reserve(static_cast<std::size_t>(request.resource_spans_size()));
  for (int r = 0; r < request.resource_spans_size(); ++r) {
    const trace_pb::ResourceSpans& rs = request.resource_spans(r);
    SpanBatch batch;
    batch.resource.attributes = read_attributes(rs.resource().attributes());
    for (int s = 0; s < rs.scope_spans_size(); ++s) {
      const trace_pb::ScopeSpans& ss = rs.scope_spans(s);
      for (int i = 0; i < ss.spans_size(); ++i) {
        Span span;
        std::string error = read_span(ss.spans(i), SpanPosition{r, s, i}, span);
        if (!error.empty()) {
          result.batches.clear();
          result.error = std::move(error);
          return result;
        }
        batch.spans.push_back(std::move(span));
      }
    }
    result.batches.push_back(std::move(batch));
  }
  return result;
}

OtlpDecodeResult decode_otlp_proto(std::string_view bytes) {
  opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest request;
  if (!request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    OtlpDecodeResult result;
    result.error = "not an OTLP trace export request: protobuf parsing failed on " + std::to_string(bytes.size()) +
                   " bytes";
    return result;
  }
  return from_otlp_request(request);
}

}  // namespace pipetrace
