// JSON-lines sink: one decodable TracesData per batch, flush on demand,
// and open failures reported as values.
#include "sinks/jsonl_file_sink.h"

#include <gtest/gtest.h>

#include "sample_spans.h"
#include "sinks/otlp_json_decoder.h"

namespace pipetrace {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

TEST(JsonlFileSink, WritesOneDecodableLinePerBatch) {
  testing::TempDir dir;
  const auto path = dir.file("traces.jsonl");
  const std::vector<SpanBatch> batches = testing::sample_batches();
  JsonlFileSink sink(path.string());
  ASSERT_TRUE(sink.ok()) << sink.error();
  for (const SpanBatch& batch : batches) sink.consume(batch);
  sink.flush();

  // Visible after flush(), before the sink closes the file.
  const std::string text = testing::read_file(path);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  const auto lines = lines_of(text);
  ASSERT_EQ(lines.size(), batches.size());
  EXPECT_EQ(sink.lines_written(), batches.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const OtlpDecodeResult decoded = decode_otlp_json(lines[i]);
    ASSERT_TRUE(decoded.ok()) << decoded.error;
    ASSERT_EQ(decoded.batches.size(), 1u);
    EXPECT_EQ(decoded.batches[0].spans, batches[i].spans);
    EXPECT_EQ(decoded.batches[0].resource, batches[i].resource);
  }
}

TEST(JsonlFileSink, SkipsBatchesWithoutSpans) {
  testing::TempDir dir;
  const auto path = dir.file("empty.jsonl");
  {
    JsonlFileSink sink(path.string());
    sink.consume(SpanBatch{});
  }
  EXPECT_EQ(testing::read_file(path), "");
}

TEST(JsonlFileSink, TruncatesByDefaultAndAppendsWhenAsked) {
  testing::TempDir dir;
  const auto path = dir.file("t.jsonl");
  testing::write_file(path, "old line\n");
  const SpanBatch batch = testing::sample_batches()[0];
  { JsonlFileSink(path.string()).consume(batch); }
  EXPECT_EQ(lines_of(testing::read_file(path)).size(), 1u);
  EXPECT_EQ(testing::read_file(path).rfind("{\"resourceSpans\":", 0), 0u);

  JsonlFileSinkOptions append;
  append.append = true;
  { JsonlFileSink(path.string(), append).consume(batch); }
  const auto lines = lines_of(testing::read_file(path));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], lines[1]);
}

TEST(JsonlFileSink, ReportsAPathItCannotOpen) {
  testing::TempDir dir;
  const std::string path = dir.file("missing-dir/traces.jsonl").string();
  JsonlFileSink sink(path);
  EXPECT_FALSE(sink.ok());
  EXPECT_NE(sink.error().find("cannot open JSON-lines output " + path), std::string::npos) << sink.error();
  sink.consume(testing::sample_batches()[0]);  // dropped, not a crash
  EXPECT_EQ(sink.lines_written(), 0u);
}

TEST(JsonlFileSink, ReportsAWriteFailure) {
  // /dev/full accepts the open and fails every write with ENOSPC.
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "/dev/full is not available on this system";
  JsonlFileSink sink("/dev/full");
  ASSERT_TRUE(sink.ok()) << sink.error();
  sink.consume(testing::sample_batches()[0]);
  sink.flush();
  EXPECT_FALSE(sink.ok());
  EXPECT_NE(sink.error().find("/dev/full failed"), std::string::npos) << sink.error();
}

}  // namespace
}  // namespace pipetrace
