// OTLP protobuf encoder and decoder: field by field, serialize/parse round
// trips, agreement with the JSON encoding, and errors on bad input.
#include <gtest/gtest.h>

#include "sample_spans.h"
#include "sinks/otlp_json_decoder.h"
#include "sinks/otlp_json_encoder.h"
#include "sinks/otlp_proto_decoder.h"
#include "sinks/otlp_proto_encoder.h"

namespace pipetrace {
namespace {

namespace common_pb = opentelemetry::proto::common::v1;
namespace trace_pb = opentelemetry::proto::trace::v1;

std::string bytes_of(const SpanId& id) { return std::string(id.bytes.begin(), id.bytes.end()); }
std::string bytes_of(const TraceId& id) { return std::string(id.bytes.begin(), id.bytes.end()); }

TEST(OtlpProtoEncoder, FillsEveryFieldOfTheRequest) {
  const std::vector<SpanBatch> batches = testing::sample_batches();
  const auto request = to_otlp_request(batches, InstrumentationScope{"pipetrace", "9.8.7"});
  ASSERT_EQ(request.resource_spans_size(), 2);

  const trace_pb::ResourceSpans& first = request.resource_spans(0);
  ASSERT_EQ(first.resource().attributes_size(), 2);
  EXPECT_EQ(first.resource().attributes(0).key(), "service.name");
  EXPECT_EQ(first.resource().attributes(0).value().string_value(), "pipetrace");
  ASSERT_EQ(first.scope_spans_size(), 1);
  EXPECT_EQ(first.scope_spans(0).scope().name(), "pipetrace");
  EXPECT_EQ(first.scope_spans(0).scope().version(), "9.8.7");

  const Span& root_in = batches[0].spans[0];
  const trace_pb::Span& root = first.scope_spans(0).spans(0);
  EXPECT_EQ(root.trace_id(), bytes_of(root_in.trace_id));
  EXPECT_EQ(root.span_id(), bytes_of(root_in.span_id));
  EXPECT_TRUE(root.parent_span_id().empty());  // a root has no parent bytes at all
  EXPECT_EQ(root.flags(), kSampledFlag);
  EXPECT_EQ(root.name(), root_in.name);
  EXPECT_EQ(root.kind(), trace_pb::Span::SPAN_KIND_SERVER);
  EXPECT_EQ(root.start_time_unix_nano(), 1744837733123456789u);
  EXPECT_EQ(root.end_time_unix_nano(), 1744837827000000001u);
  EXPECT_EQ(root.status().code(), trace_pb::Status::STATUS_CODE_ERROR);
  EXPECT_EQ(root.status().message(), root_in.status_message);
  ASSERT_EQ(root.attributes_size(), 6);
  EXPECT_EQ(root.attributes(0).value().value_case(), common_pb::AnyValue::kStringValue);
  EXPECT_EQ(root.attributes(1).value().value_case(), common_pb::AnyValue::kIntValue);
  EXPECT_EQ(root.attributes(1).value().int_value(), 14460881260);
  EXPECT_EQ(root.attributes(4).value().value_case(), common_pb::AnyValue::kDoubleValue);
  EXPECT_EQ(root.attributes(4).value().double_value(), 0.5);
  EXPECT_EQ(root.attributes(5).value().value_case(), common_pb::AnyValue::kBoolValue);
  EXPECT_FALSE(root.attributes(5).value().bool_value());
  ASSERT_EQ(root.links_size(), 2);
  EXPECT_TRUE(root.links(0).span_id().empty());
  EXPECT_EQ(root.links(1).trace_state(), "vendor=abc");

  const trace_pb::Span& run = request.resource_spans(1).scope_spans(0).spans(0);
  EXPECT_EQ(run.parent_span_id(), bytes_of(root_in.span_id));
  EXPECT_EQ(run.trace_state(), "rojo=00f067aa0ba902b7");
  EXPECT_EQ(run.kind(), trace_pb::Span::SPAN_KIND_INTERNAL);
  ASSERT_EQ(run.events_size(), 2);
  EXPECT_EQ(run.events(0).name(), "Pulling");
  EXPECT_EQ(run.events(0).time_unix_nano(), 1744837741000000005u);
  EXPECT_EQ(run.status().code(), trace_pb::Status::STATUS_CODE_OK);

  // An unset status stays an absent message.
  EXPECT_FALSE(request.resource_spans(1).scope_spans(0).spans(1).has_status());
}

TEST(OtlpProtoEncoder, SerializedBytesParseBackToTheSameSpans) {
  const std::vector<SpanBatch> original = testing::sample_batches();
  const std::string bytes = encode_otlp_proto(original);
  const OtlpDecodeResult result = decode_otlp_proto(bytes);
  ASSERT_TRUE(result.ok()) << result.error;
  ASSERT_EQ(result.batches.size(), original.size());
  for (std::size_t i = 0; i < original.size(); ++i) {
    EXPECT_EQ(result.batches[i].resource, original[i].resource);
    EXPECT_EQ(result.batches[i].spans, original[i].spans);
  }
  // The same bytes are a TracesData message.
  trace_pb::TracesData traces;
  ASSERT_TRUE(traces.ParseFromString(bytes));
  EXPECT_EQ(traces.resource_spans_size(), 2);
}

TEST(OtlpProtoEncoder, AgreesWithTheJsonEncoding) {
  const std::vector<SpanBatch> original = testing::sample_batches();
  const OtlpDecodeResult from_proto = decode_otlp_proto(encode_otlp_proto(original));
  const OtlpDecodeResult from_json = decode_otlp_json(encode_otlp_json(original));
  ASSERT_TRUE(from_proto.ok() && from_json.ok());
  ASSERT_EQ(from_proto.batches.size(), from_json.batches.size());
  for (std::size_t i = 0; i < from_proto.batches.size(); ++i) {
    EXPECT_EQ(from_proto.batches[i].spans, from_json.batches[i].spans);
  }
}

TEST(OtlpProtoEncoder, RepairsInvalidUtf8SoReceiversCanParseTheRequest) {
  SpanBatch batch = testing::sample_batches()[1];
  batch.spans[0].name = "step \xc3\x28 \xff";
  batch.spans[0].attributes = {{"k\xe2\x82", std::string("v\x80")}};
  const std::string bytes = encode_otlp_proto(batch);
  // protobuf's own parser enforces UTF-8 in proto3 strings.
  opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  const auto& span = parsed.resource_spans(0).scope_spans(0).spans(0);
  EXPECT_EQ(span.name(), "step \uFFFD( \uFFFD");
  EXPECT_EQ(span.attributes(0).key(), "k\uFFFD\uFFFD");
  EXPECT_EQ(span.attributes(0).value().string_value(), "v\uFFFD");
}

TEST(OtlpProtoDecoder, RefusesBytesThatAreNotARequest) {
  const OtlpDecodeResult result = decode_otlp_proto(std::string("\x0a\xff\xff\xff\xff\x0f garbage", 15));
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.error.find("protobuf parsing failed on 15 bytes"), std::string::npos) << result.error;
}

TEST(OtlpProtoDecoder, NamesTheFieldOfAWrongLengthId) {
  auto request = to_otlp_request(testing::sample_batches());
  request.mutable_resource_spans(1)->mutable_scope_spans(0)->mutable_spans(1)->set_parent_span_id("abc");
  const OtlpDecodeResult result = from_otlp_request(request);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.error, "resource_spans[1].scope_spans[0].spans[1].parent_span_id: 3 bytes, expected 8 or none");
}

TEST(OtlpProtoDecoder, TurnsNestedValuesIntoText) {
  auto request = to_otlp_request(testing::sample_batches());
  auto* attribute = request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->add_attributes();
  attribute->set_key("nested");
  auto* list = attribute->mutable_value()->mutable_array_value();
  list->add_values()->set_string_value("x\"y");
  auto* map = list->add_values()->mutable_kvlist_value()->add_values();
  map->set_key("n");
  map->mutable_value()->set_int_value(-3);
  list->add_values()->set_bytes_value(std::string("\x00\xff", 2));
  const OtlpDecodeResult result = from_otlp_request(request);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.batches[0].spans[0].string_attribute("nested"), R"(["x\"y",{"n":-3},"AP8="])");
}

}  // namespace
}  // namespace pipetrace
