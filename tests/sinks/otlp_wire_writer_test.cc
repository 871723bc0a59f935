// The direct OTLP wire writer against protobuf's own serializer: for the
// sample batches, the OTLP reference fixtures and hand-built spans that reach
// every field and presence rule, its bytes must equal those of the message
// objects that to_otlp_request builds, byte for byte.
#include "sinks/otlp_wire_writer.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <random>

#include <gtest/gtest.h>

#include "model/ids.h"
#include "sample_spans.h"
#include "sinks/otlp_json_decoder.h"
#include "sinks/otlp_proto_encoder.h"
#include "yaml_fixture.h"

namespace pipetrace {
namespace {

const InstrumentationScope kVersionedScope{"pipetrace", "9.8.7"};

// Equal bytes, or where they first differ (a whole request in a failure
// message would be unreadable).
::testing::AssertionResult same_bytes(const std::string& actual, const std::string& expected) {
  if (actual == expected) return ::testing::AssertionSuccess();
  std::size_t at = 0;
  while (at < actual.size() && at < expected.size() && actual[at] == expected[at]) ++at;
  const auto byte_at = [at](const std::string& s) {
    if (at >= s.size()) return std::string("end");
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned char>(s[at]));
    return std::string(hex);
  };
  return ::testing::AssertionFailure() << "sizes " << actual.size() << " vs " << expected.size()
                                       << "; first difference at byte " << at << ": " << byte_at(actual) << " vs "
                                       << byte_at(expected);
}

void expect_same_bytes_as_messages(std::span<const SpanBatch> batches, const InstrumentationScope& scope) {
  const std::string expected = to_otlp_request(batches, scope).SerializeAsString();
  EXPECT_TRUE(same_bytes(write_otlp_wire_request(batches, scope), expected));
  EXPECT_TRUE(same_bytes(encode_otlp_proto(batches, scope), expected));
  if (batches.size() == 1) {
    EXPECT_TRUE(same_bytes(encode_otlp_proto(batches[0], scope), expected));
  }
}

void expect_same_bytes_as_messages(const SpanBatch& batch, const InstrumentationScope& scope = kVersionedScope) {
  expect_same_bytes_as_messages(std::span<const SpanBatch>(&batch, 1), scope);
}

std::vector<SpanBatch> decoded_fixture(const std::string& json) {
  const OtlpDecodeResult decoded = decode_otlp_json(json);
  EXPECT_TRUE(decoded.ok()) << decoded.error;
  EXPECT_FALSE(decoded.batches.empty());
  return decoded.batches;
}

Span span_named(std::string name) {
  Span span;
  span.trace_id = derive_trace_id({"wire", name});
  span.span_id = derive_span_id({"wire", name});
  span.name = std::move(name);
  span.start = testing::at(1744837733, 1);
  span.end = testing::at(1744837734, 2);
  return span;
}

TEST(OtlpWireWriter, MatchesTheMessagesForTheSampleBatches) {
  const std::vector<SpanBatch> batches = testing::sample_batches();
  expect_same_bytes_as_messages(batches, kVersionedScope);
  expect_same_bytes_as_messages(batches, InstrumentationScope{});
  expect_same_bytes_as_messages(batches, InstrumentationScope{"pipetrace", ""});
  expect_same_bytes_as_messages(batches, InstrumentationScope{"", ""});
  for (const SpanBatch& batch : batches) expect_same_bytes_as_messages(batch);
}

TEST(OtlpWireWriter, MatchesTheMessagesForTheOtlpReferenceTraces) {
  expect_same_bytes_as_messages(
      decoded_fixture(testing::read_file(PIPETRACE_TESTDATA "/fixtures/otlp/otel-proto-example-trace.json")),
      kVersionedScope);
  const auto golden =
      testing::load_yaml_fixture(PIPETRACE_TESTDATA "/fixtures/otlp/otelcol-githubreceiver-workflow-run-expected.yaml");
  expect_same_bytes_as_messages(decoded_fixture(golden.dump()), kVersionedScope);
}

TEST(OtlpWireWriter, MatchesTheMessagesForEveryFieldOfASpan) {
  Span span = span_named("every field");
  span.parent_span_id = derive_span_id({"parent"});
  span.trace_state = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";
  span.kind = SpanKind::Producer;
  span.attributes = {{"text", std::string("value")},
                     {"empty.text", std::string()},
                     {"", std::string("empty key")},
                     {"int.zero", std::int64_t{0}},
                     {"int.small", std::int64_t{1}},
                     {"int.negative", std::int64_t{-1}},
                     {"int.max", std::numeric_limits<std::int64_t>::max()},
                     {"int.min", std::numeric_limits<std::int64_t>::min()},
                     {"double.zero", 0.0},
                     {"double.negative.zero", -0.0},
                     {"double", -273.15},
                     {"double.nan", std::numeric_limits<double>::quiet_NaN()},
                     {"double.inf", std::numeric_limits<double>::infinity()},
                     {"bool.true", true},
                     {"bool.false", false}};
  span.events = {SpanEvent{testing::at(1744837741, 5), "Pulling", {{"image", std::string("gcr.io/x/y:1.2")}}},
                 SpanEvent{0, "", {}},
                 SpanEvent{-5, "before the epoch", {{"n", std::int64_t{3}}, {"ok", true}}}};
  span.links = {SpanLink{derive_trace_id({"linked"}), derive_span_id({"linked"}), "vendor=abc",
                         {{"pipetrace.link.source", std::string("annotation")}, {"weight", 0.25}}},
                SpanLink{derive_trace_id({"no span"}), SpanId{}, "", {}},
                SpanLink{TraceId{}, SpanId{}, "", {{"dangling", false}}}};
  span.status = StatusCode::Error;
  span.status_message = "TaskRunTimeout: \"build\" exceeded 1h0m0s";
  SpanBatch batch;
  batch.resource.attributes = {{"service.name", std::string("pipetrace")}, {"k8s.pod.count", std::int64_t{12}}};
  batch.spans.push_back(span);
  expect_same_bytes_as_messages(batch);
}

TEST(OtlpWireWriter, MatchesTheMessagesForEveryStatus) {
  SpanBatch batch;
  for (const StatusCode code : {StatusCode::Unset, StatusCode::Ok, StatusCode::Error}) {
    for (const std::string message : {"", "failed: exit code 1"}) {
      Span span = span_named("status");
      span.status = code;
      span.status_message = message;
      batch.spans.push_back(span);
    }
  }
  expect_same_bytes_as_messages(batch);
}

TEST(OtlpWireWriter, MatchesTheMessagesForEveryKind) {
  SpanBatch batch;
  for (const int kind : {0, 1, 2, 3, 4, 5, 7, -1}) {  // and two the model never makes
    Span span = span_named("kind " + std::to_string(kind));
    span.kind = static_cast<SpanKind>(kind);
    batch.spans.push_back(span);
  }
  expect_same_bytes_as_messages(batch);
}

TEST(OtlpWireWriter, MatchesTheMessagesForEmptyIdsAndTimes) {
  Span span;  // all-zero IDs, no name, zero times
  Span before_epoch = span_named("negative times");
  before_epoch.trace_id = TraceId{};
  before_epoch.parent_span_id = SpanId{};
  before_epoch.start = -1;
  before_epoch.end = std::numeric_limits<TimeNs>::min();
  Span far_future = span_named("far future");
  far_future.end = std::numeric_limits<TimeNs>::max();
  SpanBatch batch;
  batch.spans = {span, before_epoch, far_future};
  expect_same_bytes_as_messages(batch);
}

TEST(OtlpWireWriter, RepairsInvalidUtf8InEveryStringFieldAsTheMessagesDo) {
  const std::string bad = "bad \xc3\x28 \xff \xed\xa0\x80 end\xe2\x82";
  Span span = span_named("name " + bad);
  span.trace_state = "state" + bad;
  span.attributes = {{"key" + bad, std::string("value" + bad)}, {bad, std::int64_t{1}}, {"ok", std::string("ok")}};
  span.events = {SpanEvent{1, "event" + bad, {{"event.key" + bad, std::string("event.value" + bad)}}}};
  span.links = {SpanLink{derive_trace_id({"l"}), derive_span_id({"l"}), "link.state" + bad,
                         {{"link.key" + bad, std::string("link.value" + bad)}}}};
  span.status = StatusCode::Error;
  span.status_message = "message" + bad;
  SpanBatch batch;
  batch.resource.attributes = {{"resource.key" + bad, std::string("resource.value" + bad)}};
  batch.spans = {span, span_named("valid after invalid ✓")};
  // The scope's strings are met once per batch: both repairs must be found.
  const InstrumentationScope bad_scope{"scope" + bad, "version" + bad};
  const std::vector<SpanBatch> batches = {batch, batch};
  expect_same_bytes_as_messages(batches, bad_scope);
  expect_same_bytes_as_messages(batch, bad_scope);

  // An invalid byte late in a long, otherwise ASCII string, and one alone.
  SpanBatch late;
  late.spans = {span_named(std::string(37, 'a') + "\x80"), span_named("\x80"), span_named(std::string(64, 'z'))};
  expect_same_bytes_as_messages(late);
}

TEST(OtlpWireWriter, MatchesTheMessagesForEmptyAndSeveralBatches) {
  expect_same_bytes_as_messages(std::span<const SpanBatch>(), kVersionedScope);
  EXPECT_EQ(write_otlp_wire_request({}, kVersionedScope), "");

  const SpanBatch empty;  // no resource attributes, no spans
  expect_same_bytes_as_messages(empty);
  std::vector<SpanBatch> several = testing::sample_batches();
  several.push_back(empty);
  several.push_back(testing::sample_batches()[0]);
  expect_same_bytes_as_messages(several, kVersionedScope);
}

// Lengths that need two and three varint bytes, at every level of nesting.
TEST(OtlpWireWriter, MatchesTheMessagesForLongStringsAndLargeMessages) {
  Span span = span_named(std::string(200, 'n'));
  span.attributes = {{"long", std::string(20000, 'v')}, {std::string(127, 'k'), std::string(128, 'v')}};
  for (int i = 0; i < 300; ++i) span.attributes.push_back({"attr." + std::to_string(i), std::int64_t{i}});
  span.events = {SpanEvent{1, std::string(16384, 'e'), {}}};
  span.links = {SpanLink{derive_trace_id({"l"}), SpanId{}, std::string(130, 's'), {}}};
  span.status = StatusCode::Error;
  span.status_message = std::string(300, 'm');
  SpanBatch batch;
  batch.spans.assign(40, span);
  expect_same_bytes_as_messages(batch);
}

// Many spans drawn at random (with a fixed seed) from the shapes above.
TEST(OtlpWireWriter, MatchesTheMessagesForRandomSpans) {
  std::mt19937_64 random(20260427);
  const auto pick = [&random](std::uint64_t n) { return static_cast<std::size_t>(random() % n); };
  const std::vector<std::string> texts = {"", "a", "build", "étape ✓", "bad\xff", std::string(150, 'x'), "\xc3"};
  const auto text = [&] { return texts[pick(texts.size())]; };
  const auto value = [&]() -> AttributeValue {
    switch (pick(4)) {
      case 0: return text();
      case 1: return static_cast<std::int64_t>(random());
      case 2: return std::ldexp(static_cast<double>(random() % 1000) - 500, static_cast<int>(pick(80)) - 40);
      default: return pick(2) == 0;
    }
  };
  const auto attributes = [&] {
    std::vector<Attribute> out(pick(5));
    for (Attribute& a : out) a = {text(), value()};
    return out;
  };
  std::vector<SpanBatch> batches(5);
  for (SpanBatch& batch : batches) {
    batch.resource.attributes = attributes();
    for (int i = 0; i < 60; ++i) {
      Span span = span_named(text());
      if (pick(3) == 0) span.trace_id = TraceId{};
      if (pick(2) == 0) span.parent_span_id = derive_span_id({std::to_string(i)});
      span.trace_state = text();
      span.kind = static_cast<SpanKind>(pick(6));
      // Non-negative, then most moved below zero: negative times are sent as 0.
      span.start = static_cast<TimeNs>(random() >> 1) - (pick(4) == 0 ? 0 : std::numeric_limits<TimeNs>::max() / 2);
      span.end = pick(5) == 0 ? 0 : static_cast<TimeNs>(random() >> 1);
      span.attributes = attributes();
      for (std::size_t e = pick(3); e > 0; --e) {
        span.events.push_back({static_cast<TimeNs>(random() >> 1), text(), attributes()});
      }
      for (std::size_t l = pick(3); l > 0; --l) {
        span.links.push_back({derive_trace_id({text()}), pick(2) == 0 ? SpanId{} : derive_span_id({text()}), text(),
                              attributes()});
      }
      span.status = static_cast<StatusCode>(pick(3));
      span.status_message = pick(2) == 0 ? "" : text();
      batch.spans.push_back(span);
    }
  }
  expect_same_bytes_as_messages(batches, kVersionedScope);
}

}  // namespace
}  // namespace pipetrace
