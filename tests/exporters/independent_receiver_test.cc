// Our exporters against tests/otlp-decoder/receiver.js, a collector stand-in
// built on @opentelemetry/otlp-transformer and @grpc/grpc-js: every
// transport (HTTP protobuf and JSON, gzip or not, gRPC) must deliver spans
// that the independent decoder reads exactly as it reads our encoding.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../sinks/sample_spans.h"
#include "../support/node_receiver.h"
#include "http_test_collector.h"
#include "sinks/otlp_grpc_exporter.h"
#include "sinks/otlp_http_exporter.h"
#include "sinks/otlp_output.h"
#include "sinks/otlp_proto_encoder.h"

namespace pipetrace {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

using test_support::kDecoderDir;

using test_support::NodeReceiver;

std::vector<json> read_lines(const std::filesystem::path& path) {
  std::vector<json> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(json::parse(line));
  }
  return out;
}

// How decode.js reads our protobuf encoding of the batches: the reference
// every transport must match.
json decoder_reading_of(const std::vector<SpanBatch>& batches, const std::filesystem::path& scratch) {
  testing::write_file(scratch, encode_otlp_proto(batches));
  const std::string command = "node '" + (kDecoderDir / "decode.js").string() + "' --proto '" + scratch.string() + "'";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  std::string text;
  char buffer[4096];
  for (std::size_t n; pipe != nullptr && (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) text.append(buffer, n);
  if (pipe != nullptr) ::pclose(pipe);
  const json result = json::parse(text, nullptr, false);
  return result.is_object() ? result["spans"] : json::array();
}

// The span lines that came by `via`, without the receiver's bookkeeping.
std::vector<json> spans_via(const std::vector<json>& lines, const std::string& via) {
  std::vector<json> out;
  for (json line : lines) {
    if (line["type"] != "span" || line["via"] != via) continue;
    line.erase("type");
    line.erase("via");
    line.erase("request");
    out.push_back(line);
  }
  return out;
}

class IndependentReceiver : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kDecoderDir / "node_modules" / "@grpc" / "grpc-js")) {
      GTEST_SKIP() << "tests/otlp-decoder/node_modules is missing @grpc/grpc-js: run scripts/setup-test-tools";
    }
  }
  testing::TempDir dir_;
};

TEST_F(IndependentReceiver, EveryTransportDeliversWhatTheDecoderReadsInOurEncoding) {
  const auto out = dir_.file("received.jsonl");
  NodeReceiver receiver(out, {});
  ASSERT_TRUE(receiver.started()) << "receiver.js did not start";
  const auto batches = testing::sample_batches();

  struct Transport {
    OtlpProtocol protocol;
    OtlpCompression compression;
    std::string via;
  };
  const std::vector<Transport> transports = {
      {OtlpProtocol::HttpProtobuf, OtlpCompression::None, "http/protobuf"},
      {OtlpProtocol::HttpProtobuf, OtlpCompression::Gzip, "http/protobuf"},
      {OtlpProtocol::HttpJson, OtlpCompression::None, "http/json"},
      {OtlpProtocol::HttpJson, OtlpCompression::Gzip, "http/json"},
      {OtlpProtocol::Grpc, OtlpCompression::None, "grpc"},
      {OtlpProtocol::Grpc, OtlpCompression::Gzip, "grpc"},
  };
  for (const Transport& t : transports) {
    OtlpExporterOptions options;
    options.protocol = t.protocol;
    options.compression = t.compression;
    options.endpoint = t.protocol == OtlpProtocol::Grpc ? receiver.grpc_endpoint() : receiver.http_url();
    options.retry.max_attempts = 1;
    const ExportResult result = make_otlp_exporter(options)->export_spans(batches);
    EXPECT_EQ(result.status, ExportStatus::Sent) << t.via << ": " << result.message;
  }

  const json expected = decoder_reading_of(batches, dir_.file("request.bin"));
  ASSERT_EQ(expected.size(), 3u);
  const std::vector<json> lines = read_lines(out);
  for (const std::string via : {"http/protobuf", "http/json", "grpc"}) {
    const std::vector<json> got = spans_via(lines, via);
    ASSERT_EQ(got.size(), 6u) << via;  // two exports of three spans each
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i], expected[i % 3]) << via << " span " << i << "\n got: " << got[i].dump()
                                         << "\nwant: " << expected[i % 3].dump();
    }
  }
  std::size_t gzip_requests = 0;
  for (const json& line : lines) {
    if (line["type"] == "request") {
      EXPECT_EQ(line["status"], 200) << line.dump();
      EXPECT_EQ(line["errors"], json::array()) << line.dump();
      if (line.value("contentEncoding", "") == "gzip") ++gzip_requests;
    }
  }
  EXPECT_EQ(gzip_requests, 2u);
}

TEST_F(IndependentReceiver, A503WithRetryAfterThenSuccessDeliversEachSpanOnce) {
  const auto out = dir_.file("received.jsonl");
  NodeReceiver receiver(out, {"--fail-first", "1", "--fail-status", "503", "--retry-after", "1"});
  ASSERT_TRUE(receiver.started());
  OtlpExporterOptions options;
  options.endpoint = receiver.http_url();
  testing::RecordedWaits clock;
  OtlpHttpExporter exporter(options, clock.environment());

  const ExportResult result = exporter.export_spans(testing::sample_batches());

  EXPECT_EQ(result.status, ExportStatus::Sent) << result.message;
  EXPECT_EQ(clock.waits, std::vector<std::chrono::milliseconds>{1000ms});
  const std::vector<json> lines = read_lines(out);
  std::vector<int> statuses;
  for (const json& line : lines) {
    if (line["type"] == "request") statuses.push_back(line["status"].get<int>());
  }
  EXPECT_EQ(statuses, (std::vector<int>{503, 200}));
  EXPECT_EQ(spans_via(lines, "http/protobuf").size(), 3u);
}

TEST_F(IndependentReceiver, GrpcUnavailableThenSuccessDeliversEachSpanOnce) {
  const auto out = dir_.file("received.jsonl");
  NodeReceiver receiver(out, {"--fail-first", "1", "--reject-spans", "1"});
  ASSERT_TRUE(receiver.started());
  OtlpExporterOptions options;
  options.protocol = OtlpProtocol::Grpc;
  options.endpoint = receiver.grpc_endpoint();
  testing::RecordedWaits clock;
  OtlpGrpcExporter exporter(options, clock.environment());

  const ExportResult result = exporter.export_spans(testing::sample_batches());

  EXPECT_EQ(result.status, ExportStatus::Sent) << result.message;
  EXPECT_EQ(result.attempts, 2);
  EXPECT_EQ(result.rejected_spans, 1);
  EXPECT_EQ(spans_via(read_lines(out), "grpc").size(), 3u);
}

}  // namespace
}  // namespace pipetrace
