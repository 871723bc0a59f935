// Our OTLP output as read by someone else's decoder: tests/otlp-decoder runs
// the protobuf definitions shipped in @opentelemetry/otlp-transformer (Node)
// over our protobuf bytes and JSON lines, and we compare what it saw with
// the spans we encoded, field by field.
#include <cstdio>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sample_spans.h"
#include "sinks/jsonl_file_sink.h"
#include "sinks/otlp_proto_encoder.h"

namespace pipetrace {
namespace {

using nlohmann::json;

const std::filesystem::path kDecoderDir = std::filesystem::path(PIPETRACE_SOURCE_DIR) / "tests" / "otlp-decoder";

struct DecoderRun {
  int exit_code = -1;
  json output;
};

DecoderRun run_decoder(const std::string& mode, const std::filesystem::path& input) {
  const std::string command =
      "node '" + (kDecoderDir / "decode.js").string() + "' " + mode + " '" + input.string() + "'";
  DecoderRun run;
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::string text;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) text.append(buffer, n);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.output = json::parse(text, nullptr, false);
  return run;
}

// What the decoder should print for one attribute, built from the model
// directly (not from our encoders).
json expected_attributes(const std::vector<Attribute>& attributes) {
  json out = json::array();
  for (const Attribute& a : attributes) {
    json entry = {{"key", a.key}};
    std::visit(
        [&entry](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string>) {
            entry["type"] = "string";
            entry["value"] = v;
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            entry["type"] = "int";
            entry["value"] = std::to_string(v);
          } else if constexpr (std::is_same_v<T, double>) {
            entry["type"] = "double";
            entry["value"] = v;
          } else {
            entry["type"] = "bool";
            entry["value"] = v;
          }
        },
        a.value);
    out.push_back(entry);
  }
  return out;
}

std::string hex_or_empty(const SpanId& id) { return id.empty() ? "" : id.hex(); }

json expected_spans(const std::vector<SpanBatch>& batches, const InstrumentationScope& scope) {
  json spans = json::array();
  for (const SpanBatch& batch : batches) {
    for (const Span& s : batch.spans) {
      json events = json::array();
      for (const SpanEvent& e : s.events) {
        events.push_back({{"timeUnixNano", std::to_string(e.time)},
                          {"name", e.name},
                          {"attributes", expected_attributes(e.attributes)}});
      }
      json links = json::array();
      for (const SpanLink& l : s.links) {
        links.push_back({{"traceId", l.trace_id.hex()},
                         {"spanId", hex_or_empty(l.span_id)},
                         {"traceState", l.trace_state},
                         {"attributes", expected_attributes(l.attributes)}});
      }
      spans.push_back({{"resource", expected_attributes(batch.resource.attributes)},
                       {"scope", {{"name", scope.name}, {"version", scope.version}}},
                       {"traceId", s.trace_id.hex()},
                       {"spanId", s.span_id.hex()},
                       {"parentSpanId", hex_or_empty(s.parent_span_id)},
                       {"traceState", s.trace_state},
                       {"flags", 1},
                       {"name", s.name},
                       {"kind", static_cast<int>(s.kind)},
                       {"startTimeUnixNano", std::to_string(s.start)},
                       {"endTimeUnixNano", std::to_string(s.end)},
                       {"attributes", expected_attributes(s.attributes)},
                       {"events", events},
                       {"links", links},
                       {"status", {{"code", static_cast<int>(s.status)}, {"message", s.status_message}}}});
    }
  }
  return spans;
}

class IndependentDecoder : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kDecoderDir / "node_modules" / "@opentelemetry" / "otlp-transformer")) {
      GTEST_SKIP() << "tests/otlp-decoder/node_modules is missing: run scripts/setup-test-tools "
                      "(npm ci) to enable the independent OTLP decoder checks";
    }
  }

  void expect_same_spans(const DecoderRun& run, const json& expected) {
    ASSERT_FALSE(run.output.is_discarded()) << "the decoder printed no JSON (exit code " << run.exit_code << ")";
    EXPECT_EQ(run.output["errors"], json::array()) << run.output["errors"].dump(2);
    EXPECT_EQ(run.exit_code, 0);
    const json& spans = run.output["spans"];
    ASSERT_EQ(spans.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(spans[i], expected[i]) << "span " << i << "\n decoded: " << spans[i].dump()
                                       << "\nexpected: " << expected[i].dump();
    }
  }

  testing::TempDir dir_;
  const InstrumentationScope scope_{"pipetrace", "1.2.3"};
};

TEST_F(IndependentDecoder, ReadsOurProtobufRequestAsTheSameSpans) {
  const std::vector<SpanBatch> batches = testing::sample_batches();
  const auto path = dir_.file("request.bin");
  testing::write_file(path, encode_otlp_proto(batches, scope_));
  expect_same_spans(run_decoder("--proto", path), expected_spans(batches, scope_));
}

TEST_F(IndependentDecoder, ReadsOurJsonLinesAsTheSameSpans) {
  const std::vector<SpanBatch> batches = testing::sample_batches();
  const auto path = dir_.file("traces.jsonl");
  {
    JsonlFileSinkOptions options;
    options.scope = scope_;
    JsonlFileSink sink(path.string(), options);
    for (const SpanBatch& batch : batches) sink.consume(batch);
  }
  expect_same_spans(run_decoder("--json", path), expected_spans(batches, scope_));
}

// The decoder's own checks can fail: the reference example writes its IDs in
// upper case, which our encoder must never do.
TEST_F(IndependentDecoder, FlagsJsonThatBreaksOurSpellingRules) {
  const DecoderRun run =
      run_decoder("--json", std::filesystem::path(PIPETRACE_TESTDATA) / "fixtures/otlp/otel-proto-example-trace.json");
  ASSERT_FALSE(run.output.is_discarded());
  EXPECT_EQ(run.exit_code, 1);
  ASSERT_EQ(run.output["errors"].size(), 3u) << run.output.dump(2);
  EXPECT_NE(run.output["errors"][0].get<std::string>().find("is not lowercase hex"), std::string::npos);
  // It still decodes the span, IDs and all.
  EXPECT_EQ(run.output["spans"][0]["traceId"], "5b8efff798038103d269b633813fc60c");
  EXPECT_EQ(run.output["spans"][0]["name"], "I'm a server span");
}

}  // namespace
}  // namespace pipetrace
