// OTLP/JSON encoder: exact text for hand-built spans, the Collector's escaping
// and number spelling, and the shape of the Collector's own golden trace.
#include "sinks/otlp_json_encoder.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sample_spans.h"
#include "sinks/json_text.h"
#include "sinks/otlp_json_decoder.h"
#include "yaml_fixture.h"

namespace pipetrace {
namespace {

const InstrumentationScope kTestScope{"pipetrace", "0.1.0"};

TraceId sequential_trace_id() {
  TraceId id;
  for (std::size_t i = 0; i < id.bytes.size(); ++i) id.bytes[i] = static_cast<std::uint8_t>(i + 1);
  return id;
}

SpanId sequential_span_id() {
  SpanId id;
  for (std::size_t i = 0; i < id.bytes.size(); ++i) id.bytes[i] = static_cast<std::uint8_t>(0x11 + i);
  return id;
}

Span minimal_span(std::string name) {
  Span span;
  span.trace_id = sequential_trace_id();
  span.span_id = sequential_span_id();
  span.name = std::move(name);
  span.start = 1;
  span.end = 2;
  return span;
}

std::string encoded_name(const std::string& name) {
  std::string out;
  append_json_string(out, name);
  return out;
}

std::string double_text(double value) {
  std::string out;
  append_json_double(out, value);
  return out;
}

TEST(OtlpJsonEncoder, WritesTheCollectorsFileExporterLineForAFullSpan) {
  SpanBatch batch;
  batch.resource.attributes = {{"service.name", std::string("pipetrace")}};
  Span span = minimal_span("build-and-test");
  span.kind = SpanKind::Server;
  span.start = 1744837733000000000;
  span.end = 1744837827000000000;
  span.attributes = {{"cicd.pipeline.name", std::string("build-and-test")},
                     {"cicd.pipeline.run.id", std::int64_t{14460881260}},
                     {"pipetrace.ratio", 0.25},
                     {"pipetrace.cached", true}};
  span.events = {SpanEvent{1744837734000000000, "Pulled", {{"image", std::string("alpine:3")}}}};
  TraceId linked;
  ASSERT_TRUE(parse_hex("3ab150c94bf95169f4958bc860bddc3b", linked));
  span.links = {SpanLink{linked, SpanId{}, "", {}}};
  span.status = StatusCode::Error;
  span.status_message = "failure";
  batch.spans.push_back(span);

  EXPECT_EQ(encode_otlp_json(batch, kTestScope),
            R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"pipetrace"}}]},)"
            R"("scopeSpans":[{"scope":{"name":"pipetrace","version":"0.1.0"},"spans":[{)"
            R"("traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718","parentSpanId":"","flags":1,)"
            R"("name":"build-and-test","kind":2,"startTimeUnixNano":"1744837733000000000",)"
            R"("endTimeUnixNano":"1744837827000000000","attributes":[)"
            R"({"key":"cicd.pipeline.name","value":{"stringValue":"build-and-test"}},)"
            R"({"key":"cicd.pipeline.run.id","value":{"intValue":"14460881260"}},)"
            R"({"key":"pipetrace.ratio","value":{"doubleValue":0.25}},)"
            R"({"key":"pipetrace.cached","value":{"boolValue":true}}],)"
            R"("events":[{"timeUnixNano":"1744837734000000000","name":"Pulled",)"
            R"("attributes":[{"key":"image","value":{"stringValue":"alpine:3"}}]}],)"
            R"("links":[{"traceId":"3ab150c94bf95169f4958bc860bddc3b","spanId":""}],)"
            R"("status":{"message":"failure","code":2}}]}]}]})");
}

TEST(OtlpJsonEncoder, KeepsEmptyParentAndStatusButDropsOtherEmptyFields) {
  SpanBatch batch;  // no resource attributes
  Span span = minimal_span("x");
  span.kind = SpanKind::Unspecified;
  span.end = 0;  // unknown end time
  batch.spans.push_back(span);
  EXPECT_EQ(encode_otlp_json(batch, InstrumentationScope{"pipetrace", ""}),
            R"({"resourceSpans":[{"resource":{},"scopeSpans":[{"scope":{"name":"pipetrace"},"spans":[{)"
            R"("traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718","parentSpanId":"","flags":1,)"
            R"("name":"x","startTimeUnixNano":"1","status":{}}]}]}]})");
}

TEST(OtlpJsonEncoder, WritesParentAndTraceStateWhenSet) {
  SpanBatch batch;
  Span span = minimal_span("child");
  ASSERT_TRUE(parse_hex("eee19b7ec3c1b173", span.parent_span_id));
  span.trace_state = "congo=t61rcWkgMzE";
  span.status = StatusCode::Ok;
  batch.spans.push_back(span);
  const std::string json = encode_otlp_json(batch, kTestScope);
  EXPECT_NE(json.find(R"("spanId":"1112131415161718","traceState":"congo=t61rcWkgMzE",)"
                      R"("parentSpanId":"eee19b7ec3c1b173","flags":1,"name":"child","kind":1,)"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("status":{"code":1}})"), std::string::npos) << json;
}

TEST(OtlpJsonEncoder, UsesTheBuildVersionAsScopeVersionByDefault) {
  SpanBatch batch;
  batch.spans.push_back(minimal_span("x"));
  const auto json = nlohmann::json::parse(encode_otlp_json(batch));
  const auto& scope = json["resourceSpans"][0]["scopeSpans"][0]["scope"];
  EXPECT_EQ(scope["name"], "pipetrace");
  EXPECT_EQ(scope["version"], pipetrace_version());
  EXPECT_FALSE(std::string(pipetrace_version()).empty());
}

TEST(OtlpJsonEncoder, WritesAnEmptyObjectForNoBatches) {
  EXPECT_EQ(encode_otlp_json(std::span<const SpanBatch>()), "{}");
}

TEST(OtlpJsonEncoder, EscapesStringsAsGoEncodingJsonDoes) {
  EXPECT_EQ(encoded_name("plain"), R"("plain")");
  EXPECT_EQ(encoded_name("q\"b\\s/"), R"("q\"b\\s/")");
  EXPECT_EQ(encoded_name("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(encoded_name(std::string("\x00\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
  EXPECT_EQ(encoded_name("a<b>&c"), R"("a\u003cb\u003e\u0026c")");
  EXPECT_EQ(encoded_name("line\u2028para\u2029"), R"("line\u2028para\u2029")");
  // DEL and non-ASCII text pass through unchanged.
  EXPECT_EQ(encoded_name("\x7f é ✓ 🚀"), "\"\x7f é ✓ 🚀\"");
}

TEST(OtlpJsonEncoder, ReplacesEachInvalidUtf8ByteWithAnEscapedReplacementCharacter) {
  // A stray continuation byte, a truncated sequence, an overlong '/', a UTF-16
  // surrogate and a code point past U+10FFFF.
  EXPECT_EQ(encoded_name("a\x80z"), R"("a\ufffdz")");
  EXPECT_EQ(encoded_name("a\xe2\x82"), R"("a\ufffd\ufffd")");
  EXPECT_EQ(encoded_name("\xc0\xaf"), R"("\ufffd\ufffd")");
  EXPECT_EQ(encoded_name("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");
  EXPECT_EQ(encoded_name("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");

  SpanBatch batch;
  batch.spans.push_back(minimal_span("step \xff\xfe build"));
  batch.spans[0].attributes = {{"log\xc3", std::string("tail \xe2\x28\xa1")}};
  const std::string json = encode_otlp_json(batch);
  const auto parsed = nlohmann::json::parse(json);  // throws on invalid UTF-8
  EXPECT_EQ(parsed["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["name"], "step \uFFFD\uFFFD build");
  const auto& attribute = parsed["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["attributes"][0];
  EXPECT_EQ(attribute["key"], "log\uFFFD");
  EXPECT_EQ(attribute["value"]["stringValue"], "tail \uFFFD(\uFFFD");
}

TEST(OtlpJsonEncoder, SpellsDoublesAsGoDoes) {
  EXPECT_EQ(double_text(0.25), "0.25");
  EXPECT_EQ(double_text(100.0), "100");
  EXPECT_EQ(double_text(-273.15), "-273.15");
  EXPECT_EQ(double_text(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(double_text(1e-6), "0.000001");
  EXPECT_EQ(double_text(1e-7), "1e-7");
  EXPECT_EQ(double_text(1.5e-300), "1.5e-300");
  EXPECT_EQ(double_text(1e20), "100000000000000000000");
  EXPECT_EQ(double_text(1e21), "1e+21");
  EXPECT_EQ(double_text(0.0), "0");
  EXPECT_EQ(double_text(std::numeric_limits<double>::quiet_NaN()), R"("NaN")");
  EXPECT_EQ(double_text(std::numeric_limits<double>::infinity()), R"("Infinity")");
  EXPECT_EQ(double_text(-std::numeric_limits<double>::infinity()), R"("-Infinity")");
}

TEST(OtlpJsonEncoder, WritesIntegersAsDecimalStringsAtTheExtremes) {
  SpanBatch batch;
  batch.spans.push_back(minimal_span("x"));
  batch.spans[0].attributes = {{"max", std::numeric_limits<std::int64_t>::max()},
                               {"min", std::numeric_limits<std::int64_t>::min()}};
  const std::string json = encode_otlp_json(batch);
  EXPECT_NE(json.find(R"({"key":"max","value":{"intValue":"9223372036854775807"}})"), std::string::npos);
  EXPECT_NE(json.find(R"({"key":"min","value":{"intValue":"-9223372036854775808"}})"), std::string::npos);
}

// The Collector's GitHub receiver golden trace, read and written back, has
// the same keys and value types as the Collector wrote it: only the flags we
// add (and our scope) differ.
TEST(OtlpJsonEncoder, MatchesTheShapeOfTheCollectorsGoldenTrace) {
  const auto golden =
      testing::load_yaml_fixture(PIPETRACE_TESTDATA "/fixtures/otlp/otelcol-githubreceiver-workflow-run-expected.yaml");
  const OtlpDecodeResult decoded = decode_otlp_json(golden.dump());
  ASSERT_TRUE(decoded.ok()) << decoded.error;
  ASSERT_EQ(decoded.batches.size(), 1u);

  auto ours = nlohmann::json::parse(encode_otlp_json(decoded.batches, kTestScope));
  const auto& golden_rs = golden["resourceSpans"][0];
  auto& our_rs = ours["resourceSpans"][0];
  EXPECT_EQ(our_rs["resource"], golden_rs["resource"]);

  auto our_span = our_rs["scopeSpans"][0]["spans"][0];
  EXPECT_EQ(our_span["flags"], 1);
  our_span.erase("flags");
  EXPECT_EQ(our_span, golden_rs["scopeSpans"][0]["spans"][0]);
}

}  // namespace
}  // namespace pipetrace
