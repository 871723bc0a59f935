// OTLP/JSON decoder: the reference examples, the leniency receivers owe,
// errors that name the field, and exact round trips through our encoder.
#include "sinks/otlp_json_decoder.h"

#include <cmath>

#include <gtest/gtest.h>

#include "sample_spans.h"
#include "sinks/otlp_json_encoder.h"
#include "yaml_fixture.h"

namespace pipetrace {
namespace {

std::string fixture(const std::string& name) {
  return testing::read_file(std::string(PIPETRACE_TESTDATA "/fixtures/otlp/") + name);
}

// A one-span document whose span object is `span_json`.
std::string with_span(const std::string& span_json) {
  return R"({"resourceSpans":[{"resource":{},"scopeSpans":[{"scope":{},"spans":[)" + span_json + "]}]}]}";
}

TEST(OtlpJsonDecoder, ReadsTheOtlpProtoTraceExample) {
  const OtlpDecodeResult result = decode_otlp_json(fixture("otel-proto-example-trace.json"));
  ASSERT_TRUE(result.ok()) << result.error;
  ASSERT_EQ(result.batches.size(), 1u);
  const SpanBatch& batch = result.batches[0];
  ASSERT_EQ(batch.resource.attributes.size(), 1u);
  EXPECT_EQ(batch.resource.attributes[0], (Attribute{"service.name", std::string("my.service")}));
  ASSERT_EQ(batch.spans.size(), 1u);
  const Span& span = batch.spans[0];
  // The example writes its IDs in upper case.
  EXPECT_EQ(span.trace_id.hex(), "5b8efff798038103d269b633813fc60c");
  EXPECT_EQ(span.span_id.hex(), "eee19b7ec3c1b174");
  EXPECT_EQ(span.parent_span_id.hex(), "eee19b7ec3c1b173");
  EXPECT_EQ(span.name, "I'm a server span");
  EXPECT_EQ(span.kind, SpanKind::Server);
  EXPECT_EQ(span.start, 1544712660000000000);
  EXPECT_EQ(span.end, 1544712661000000000);
  EXPECT_EQ(span.string_attribute("my.span.attr"), "some value");
  EXPECT_EQ(span.status, StatusCode::Unset);
}

TEST(OtlpJsonDecoder, ReadsTheCollectorsGithubReceiverGoldenTrace) {
  const auto golden =
      testing::load_yaml_fixture(PIPETRACE_TESTDATA "/fixtures/otlp/otelcol-githubreceiver-workflow-run-expected.yaml");
  const OtlpDecodeResult result = decode_otlp_json(golden.dump());
  ASSERT_TRUE(result.ok()) << result.error;
  ASSERT_EQ(result.batches.size(), 1u);
  const SpanBatch& batch = result.batches[0];
  EXPECT_EQ(batch.resource.attributes.size(), 14u);
  bool found_run_id = false;
  for (const Attribute& a : batch.resource.attributes) {
    if (a.key == "cicd.pipeline.run.id") {
      found_run_id = true;
      EXPECT_EQ(a.value, AttributeValue(std::int64_t{14460881260}));  // intValue written as a string
    }
  }
  EXPECT_TRUE(found_run_id);
  ASSERT_EQ(batch.spans.size(), 1u);
  const Span& span = batch.spans[0];
  EXPECT_EQ(span.name, "build-and-test");
  EXPECT_EQ(span.trace_id.hex(), "731ec8a47fd7450f753a812a4a8aa5a0");
  EXPECT_EQ(span.span_id.hex(), "aba151af7cfbcf0f");
  EXPECT_TRUE(span.parent_span_id.empty());  // parentSpanId: ""
  EXPECT_EQ(span.kind, SpanKind::Server);
  EXPECT_EQ(span.start, 1744837733000000000);
  EXPECT_EQ(span.end, 1744837827000000000);
  EXPECT_EQ(span.status, StatusCode::Error);
  EXPECT_EQ(span.status_message, "failure");
  ASSERT_EQ(span.links.size(), 1u);
  EXPECT_EQ(span.links[0].trace_id.hex(), "3ab150c94bf95169f4958bc860bddc3b");
  EXPECT_TRUE(span.links[0].span_id.empty());  // spanId: ""
}

TEST(OtlpJsonDecoder, RoundTripsOurEncodingExactly) {
  const std::vector<SpanBatch> original = testing::sample_batches();
  const OtlpDecodeResult result = decode_otlp_json(encode_otlp_json(original));
  ASSERT_TRUE(result.ok()) << result.error;
  ASSERT_EQ(result.batches.size(), original.size());
  for (std::size_t i = 0; i < original.size(); ++i) {
    EXPECT_EQ(result.batches[i].resource, original[i].resource);
    EXPECT_EQ(result.batches[i].spans, original[i].spans);
  }
}

TEST(OtlpJsonDecoder, RoundTripsNonFiniteDoubles) {
  SpanBatch batch = testing::sample_batches()[0];
  batch.spans[0].attributes = {{"nan", std::nan("")},
                               {"inf", std::numeric_limits<double>::infinity()},
                               {"-inf", -std::numeric_limits<double>::infinity()}};
  const OtlpDecodeResult result = decode_otlp_json(encode_otlp_json(batch));
  ASSERT_TRUE(result.ok()) << result.error;
  const auto& attributes = result.batches.at(0).spans.at(0).attributes;
  ASSERT_EQ(attributes.size(), 3u);
  EXPECT_TRUE(std::isnan(std::get<double>(attributes[0].value)));
  EXPECT_EQ(std::get<double>(attributes[1].value), std::numeric_limits<double>::infinity());
  EXPECT_EQ(std::get<double>(attributes[2].value), -std::numeric_limits<double>::infinity());
}

TEST(OtlpJsonDecoder, AcceptsTheSpellingsOtherWritersUse) {
  // Proto field names, numbers for 64-bit values, enum names, nulls, base64
  // IDs (protobuf's generic JSON printer) and string doubles.
  const std::string document = R"({"resource_spans":[{"resource":null,"scope_spans":[{"spans":[{
      "trace_id":"AQIDBAUGBwgJCgsMDQ4PEA==","span_id":"ERITFBUWFxg=","parent_span_id":null,
      "name":"snake","kind":"SPAN_KIND_CLIENT","start_time_unix_nano":1700000000000000000,
      "end_time_unix_nano":"1700000001000000000","trace_state":null,
      "attributes":[{"key":"n","value":{"int_value":7}},{"key":"d","value":{"doubleValue":"2.5"}},
                    {"key":"b","value":{"boolValue":true}},{"key":"none"}],
      "status":{"code":"STATUS_CODE_ERROR","message":"boom"}}]}]}]})";
  const OtlpDecodeResult result = decode_otlp_json(document);
  ASSERT_TRUE(result.ok()) << result.error;
  const Span& span = result.batches.at(0).spans.at(0);
  EXPECT_EQ(span.trace_id.hex(), "0102030405060708090a0b0c0d0e0f10");
  EXPECT_EQ(span.span_id.hex(), "1112131415161718");
  EXPECT_TRUE(span.parent_span_id.empty());
  EXPECT_EQ(span.kind, SpanKind::Client);
  EXPECT_EQ(span.start, 1700000000000000000);
  EXPECT_EQ(span.end, 1700000001000000000);
  ASSERT_EQ(span.attributes.size(), 4u);
  EXPECT_EQ(span.attributes[0].value, AttributeValue(std::int64_t{7}));
  EXPECT_EQ(span.attributes[1].value, AttributeValue(2.5));
  EXPECT_EQ(span.attributes[2].value, AttributeValue(true));
  EXPECT_EQ(span.attributes[3].value, AttributeValue(std::string()));
  EXPECT_EQ(span.status, StatusCode::Error);
  EXPECT_EQ(span.status_message, "boom");
}

TEST(OtlpJsonDecoder, AcceptsShortEnumNamesAndTheOldInstrumentationLibraryKey) {
  const std::string document =
      R"({"resourceSpans":[{"instrumentationLibrarySpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10",)"
      R"("spanId":"1112131415161718","kind":"producer","status":{"code":"OK"}}]}]}]})";
  const OtlpDecodeResult result = decode_otlp_json(document);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.batches.at(0).spans.at(0).kind, SpanKind::Producer);
  EXPECT_EQ(result.batches.at(0).spans.at(0).status, StatusCode::Ok);
}

TEST(OtlpJsonDecoder, TurnsArrayMapAndBytesValuesIntoText) {
  const std::string document = with_span(
      R"({"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718","attributes":[)"
      R"({"key":"list","value":{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":"1"},{"boolValue":false}]}}},)"
      R"({"key":"map","value":{"kvlistValue":{"values":[{"key":"k","value":{"doubleValue":1.5}}]}}},)"
      R"({"key":"raw","value":{"bytesValue":"aGk="}}]})");
  const OtlpDecodeResult result = decode_otlp_json(document);
  ASSERT_TRUE(result.ok()) << result.error;
  const Span& span = result.batches.at(0).spans.at(0);
  EXPECT_EQ(span.string_attribute("list"), R"(["a",1,false])");
  EXPECT_EQ(span.string_attribute("map"), R"({"k":1.5})");
  EXPECT_EQ(span.string_attribute("raw"), "aGk=");
}

TEST(OtlpJsonDecoder, ReadsEveryScopeOfAResourceIntoOneBatch) {
  const std::string document =
      R"({"resourceSpans":[{"scopeSpans":[)"
      R"({"scope":{"name":"a"},"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0000000000000001"}]},)"
      R"({"scope":{"name":"b"},"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0000000000000002"}]}]},)"
      R"({"scopeSpans":[]}]})";
  const OtlpDecodeResult result = decode_otlp_json(document);
  ASSERT_TRUE(result.ok()) << result.error;
  ASSERT_EQ(result.batches.size(), 2u);
  ASSERT_EQ(result.batches[0].spans.size(), 2u);
  EXPECT_EQ(result.batches[0].spans[1].span_id.hex(), "0000000000000002");
  EXPECT_TRUE(result.batches[1].spans.empty());
}

TEST(OtlpJsonDecoder, ReadsAnEmptyTracesDataAsNoBatches) {
  const OtlpDecodeResult result = decode_otlp_json("{}\n");
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_TRUE(result.batches.empty());
}

TEST(OtlpJsonDecoder, RepairsInvalidUtf8InTheInput) {
  const std::string document = with_span(
      "{\"traceId\":\"0102030405060708090a0b0c0d0e0f10\",\"spanId\":\"1112131415161718\",\"name\":\"bad \xff byte\"}");
  const OtlpDecodeResult result = decode_otlp_json(document);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.batches.at(0).spans.at(0).name, "bad \uFFFD byte");
}

struct BadInput {
  const char* what;
  std::string document;
  std::string expected_error;  // a fragment the error must contain
};

class OtlpJsonDecoderErrors : public ::testing::TestWithParam<BadInput> {};

TEST_P(OtlpJsonDecoderErrors, NameTheFieldAndTheValue) {
  const OtlpDecodeResult result = decode_otlp_json(GetParam().document);
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(result.batches.empty());
  EXPECT_NE(result.error.find(GetParam().expected_error), std::string::npos)
      << GetParam().what << ": error was: " << result.error;
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, OtlpJsonDecoderErrors,
    ::testing::Values(
        BadInput{"short trace ID", with_span(R"({"traceId":"0102","spanId":"1112131415161718"})"),
                 R"(resourceSpans[0].scopeSpans[0].spans[0].traceId: "0102" is not 32 hex digits)"},
        BadInput{"non-hex span ID", with_span(R"({"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"zz12131415161718"})"),
                 R"(spans[0].spanId: "zz12131415161718" is not 16 hex digits)"},
        BadInput{"ID as a number", with_span(R"({"traceId":12,"spanId":"1112131415161718"})"),
                 "spans[0].traceId: expected a hex string, got 12"},
        BadInput{"negative time", with_span(R"({"startTimeUnixNano":-5})"),
                 "spans[0].startTimeUnixNano: expected a non-negative integer, got -5"},
        BadInput{"time with letters", with_span(R"({"endTimeUnixNano":"17e9"})"),
                 R"(spans[0].endTimeUnixNano: expected a non-negative integer, got "17e9")"},
        BadInput{"int attribute out of range",
                 with_span(R"({"attributes":[{"key":"n","value":{"intValue":"9223372036854775808"}}]})"),
                 "spans[0].attributes[0].value.intValue: expected an integer"},
        BadInput{"unknown kind", with_span(R"({"kind":"SPAN_KIND_SIDEWAYS"})"),
                 R"(spans[0].kind: unknown value "SPAN_KIND_SIDEWAYS")"},
        BadInput{"attributes not a list", with_span(R"({"attributes":{"key":"a"}})"),
                 "spans[0].attributes: expected an array"},
        BadInput{"link with a bad ID", with_span(R"({"links":[{"traceId":"abc"}]})"),
                 R"(spans[0].links[0].traceId: "abc" is not 32 hex digits)"},
        BadInput{"not JSON", R"({"resourceSpans":[)", "not valid JSON"},
        // Found by fuzz_otlp_json_decoder: the parser's overflow exception escaped.
        BadInput{"a number beyond a double", R"({"resourceSpans":[{"x":1E800}]})", "out of range"},
        BadInput{"a number beyond a double, then garbage", std::string("610E0800\0{\",s", 13), "out of range"},
        BadInput{"a JSON array", "[1,2]", "expected a JSON object holding resourceSpans"},
        BadInput{"blank line", "  \n", "empty input"}));

}  // namespace
}  // namespace pipetrace
