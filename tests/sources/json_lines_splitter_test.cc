// Reading JSON lines in chunks must see exactly what reading the whole text
// sees: the same events in the same order and the same problem line
// numbers, whatever the chunk size and wherever lines straddle chunks.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "fixture_support.h"
#include "sources/json_lines_splitter.h"
#include "sources/json_unit_reader.h"
#include "sources/read_context.h"

namespace pipetrace::testing {
namespace {

using Signature = std::tuple<WatchType, TimeNs, std::size_t>;

std::vector<Signature> signatures(const std::vector<ObservedEvent>& events) {
  std::vector<Signature> out;
  for (const auto& e : events) out.emplace_back(e.type, e.observed_at, e.record.index());
  return out;
}

std::vector<std::size_t> problem_lines(const std::vector<ReadProblem>& problems) {
  std::vector<std::size_t> out;
  for (const auto& p : problems) out.push_back(p.line);
  return out;
}

// The example recording with a broken line in the middle and a last line
// that has no newline.
std::string recording_with_damage() {
  std::string text = read_all(std::filesystem::path(PIPETRACE_SOURCE_DIR) / "examples/passing/recording.jsonl");
  std::size_t middle = text.find('\n', text.size() / 2);
  text.insert(middle + 1, "{\"type\":\"ADDED\",\"object\":{\"kind\":\n");
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

CollectedRead read_chunked(const std::string& text, std::size_t chunk_bytes) {
  CollectedRead collected;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::tmpfile(), &std::fclose);
  EXPECT_NE(file, nullptr);
  std::fwrite(text.data(), 1, text.size(), file.get());
  std::rewind(file.get());
  // ReadContext keeps references: everything it is given must outlive it.
  const std::string name = "chunked";
  const RecordingReader::EventHandler on_event = [&](const ObservedEvent& e) { collected.events.push_back(e); };
  const RecordingReader::ProblemHandler on_problem = [&](const ReadProblem& p) { collected.problems.push_back(p); };
  ReadContext context(name, on_event, on_problem);
  JsonUnitReader units(context);
  std::string error;
  EXPECT_TRUE(read_json_lines_chunked(file.get(), {}, chunk_bytes, units, error)) << error;
  collected.summary = context.summary();
  return collected;
}

TEST(JsonLinesSplitter, ChunkedReadingMatchesWholeTextReading) {
  const std::string text = recording_with_damage();
  CollectedRead whole = read_text(text);
  ASSERT_GT(whole.events.size(), 50u);
  ASSERT_EQ(whole.problems.size(), 1u);
  // Chunks far smaller than a line force the buffer to grow; odd sizes put
  // chunk edges everywhere.
  for (std::size_t chunk : {7u, 64u, 1000u, 4096u, 65536u, 1u << 20}) {
    SCOPED_TRACE("chunk of " + std::to_string(chunk) + " bytes");
    CollectedRead chunked = read_chunked(text, chunk);
    EXPECT_EQ(signatures(chunked.events), signatures(whole.events));
    EXPECT_EQ(problem_lines(chunked.problems), problem_lines(whole.problems));
    EXPECT_EQ(chunked.summary.events, whole.summary.events);
  }
}

TEST(JsonLinesSplitter, ReadFileStreamsLargeFilesWithTheSameResult) {
  // Larger than one chunk of read_file, so the streaming path is taken.
  const std::string one = read_all(std::filesystem::path(PIPETRACE_SOURCE_DIR) / "examples/passing/recording.jsonl");
  std::string text;
  while (text.size() <= RecordingReader::kChunkBytes * 2) text += one;
  const std::filesystem::path path = std::filesystem::temp_directory_path() / "pipetrace-large-recording.jsonl";
  {
    std::ofstream out(path, std::ios::binary);
    out << text;
  }
  CollectedRead from_file;
  from_file.summary = from_file.reader().read_file(path.string());
  std::filesystem::remove(path);
  CollectedRead whole = read_text(text);
  EXPECT_FALSE(from_file.summary.unreadable);
  EXPECT_EQ(from_file.summary.events, whole.summary.events);
  EXPECT_EQ(signatures(from_file.events), signatures(whole.events));
  EXPECT_EQ(from_file.problems.size(), 0u);
}

TEST(JsonLinesSplitter, AMissingFileIsUnreadable) {
  CollectedRead missing;
  missing.summary = missing.reader().read_file("/nonexistent/recording.jsonl");
  EXPECT_TRUE(missing.summary.unreadable);
  ASSERT_EQ(missing.problems.size(), 1u);
  EXPECT_NE(missing.problems[0].reason.find("cannot read the file"), std::string::npos) << missing.problems[0].reason;
}

}  // namespace
}  // namespace pipetrace::testing
