// See span_payload.h.
#include "spool/span_payload.h"

#include "sinks/otlp_proto_decoder.h"
#include "sinks/otlp_proto_encoder.h"

namespace pipetrace::spool {

std::string encode_span_payload(const Resource& resource, const Span& span) {
  SpanBatch batch{resource, {span}};
  return encode_otlp_proto(batch);
}

bool decode_span_payload(std::string_view bytes, Resource& resource, Span& span) {
  OtlpDecodeResult decoded = decode_otlp_proto(bytes);
  if (!decoded.ok() || decoded.batches.size() != 1 || decoded.batches[0].spans.size() != 1) return false;
  resource = std::move(decoded.batches[0].resource);
  span = std::move(decoded.batches[0].spans[0]);
  return true;
}

std::vector<SpanBatch> group_by_resource(std::vector<std::pair<Resource, Span>> spans) {
  std::vector<SpanBatch> batches;
  for (auto& [resource, span] : spans) {
    if (batches.empty() || !(batches.back().resource == resource)) batches.push_back(SpanBatch{std::move(resource), {}});
    batches.back().spans.push_back(std::move(span));
  }
  return batches;
}

}  // namespace pipetrace::spool
