// The spool's files: records come back as written, acknowledged ones are
// gone after a reopen, a torn tail is cut and a corrupt record in the
// middle skipped (both counted, neither a crash), and the size cap pushes
// out the oldest unsent records, counted.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "spool/record_framing.h"
#include "spool/segment_log.h"
#include "spool/span_payload.h"
#include "spool_test_support.h"

namespace pipetrace::spool {
namespace {

using spool_test::ScratchDir;

std::vector<std::string> payloads_of(const SpanBatch& batch) {
  std::vector<std::string> out;
  for (const Span& s : batch.spans) out.push_back(encode_span_payload(batch.resource, s));
  return out;
}

std::vector<std::string> ids_read_back(const SegmentLog& log, std::size_t max = 100000) {
  std::vector<std::string> ids;
  for (const std::string& payload : log.read(log.peek(max))) {
    Resource r;
    Span s;
    EXPECT_TRUE(decode_span_payload(payload, r, s));
    ids.push_back(s.span_id.hex());
  }
  return ids;
}

std::vector<std::filesystem::path> segment_files(const std::string& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".seg") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

SpoolOptions options_in(const ScratchDir& dir) {
  SpoolOptions o;
  o.directory = dir.path("spool/collector");
  return o;
}

TEST(RecordFraming, ScanFindsEveryRecordAndTellsATornTailFromACorruptMiddle) {
  std::string bytes;
  frame_record("first", bytes);
  const std::size_t second_at = bytes.size();
  frame_record("second", bytes);
  frame_record("third", bytes);
  ScanResult whole = scan_records(bytes);
  ASSERT_EQ(whole.records.size(), 3u);
  EXPECT_EQ(whole.records[1].payload, "second");
  EXPECT_FALSE(whole.torn_tail);

  std::string torn = bytes.substr(0, bytes.size() - 2);
  ScanResult cut = scan_records(torn);
  EXPECT_EQ(cut.records.size(), 2u);
  EXPECT_TRUE(cut.torn_tail);
  EXPECT_EQ(cut.valid_end, second_at + kRecordHeaderBytes + 6);

  std::string flipped = bytes;
  flipped[second_at + kRecordHeaderBytes + 2] ^= 0x20;  // "second" -> "seCond": the checksum no longer matches
  ScanResult middle = scan_records(flipped);
  ASSERT_EQ(middle.records.size(), 2u);
  EXPECT_EQ(middle.records[0].payload, "first");
  EXPECT_EQ(middle.records[1].payload, "third");
  EXPECT_EQ(middle.corrupt_regions, 1u);
  EXPECT_FALSE(middle.torn_tail);
}

TEST(SpanPayload, CarriesTheTracersSpansUnchanged) {
  for (const SpanBatch& batch : testing::sample_batches()) {
    for (const Span& span : batch.spans) {
      Resource resource;
      Span back;
      ASSERT_TRUE(decode_span_payload(encode_span_payload(batch.resource, span), resource, back));
      EXPECT_EQ(back, span) << span.name;
      EXPECT_EQ(resource, batch.resource);
    }
  }
}

TEST(SegmentLog, AppendReadAcknowledgeAndReopenKeepsOnlyTheUnacknowledged) {
  ScratchDir dir;
  const SpanBatch batch = spool_test::run_spans(0, 10);
  {
    SegmentLog log(options_in(dir));
    ASSERT_EQ(log.open(), "");
    std::string error;
    ASSERT_TRUE(log.append(payloads_of(batch), error)) << error;
    EXPECT_EQ(ids_read_back(log), spool_test::span_ids(batch));
    auto first_four = log.peek(4);
    log.acknowledge(first_four.back());
    EXPECT_EQ(log.pending(), 6u);
  }
  SegmentLog reopened(options_in(dir));
  ASSERT_EQ(reopened.open(), "");
  EXPECT_EQ(reopened.stats().recovered, 6u);
  const auto all = spool_test::span_ids(batch);
  const std::vector<std::string> expected(all.begin() + 4, all.end());
  EXPECT_EQ(ids_read_back(reopened), expected);
  reopened.acknowledge(reopened.peek(100).back());
  EXPECT_EQ(reopened.pending(), 0u);
  // New spans start a new segment; the old one, wholly acknowledged, goes.
  std::string error;
  ASSERT_TRUE(reopened.append(payloads_of(spool_test::run_spans(10, 1)), error));
  reopened.acknowledge(reopened.peek(1).back());
  EXPECT_EQ(segment_files(options_in(dir).directory).size(), 1u);
}

TEST(SegmentLog, TornTailIsTruncatedAndNewRecordsFollowTheIntactOnes) {
  ScratchDir dir;
  const SpanBatch batch = spool_test::run_spans(0, 5);
  {
    SegmentLog log(options_in(dir));
    ASSERT_EQ(log.open(), "");
    std::string error;
    ASSERT_TRUE(log.append(payloads_of(batch), error));
  }
  // A crash in the middle of writing a sixth record: its header and part of it.
  const auto segment = segment_files(options_in(dir).directory).at(0);
  const auto intact_size = std::filesystem::file_size(segment);
  std::string sixth;
  frame_record(encode_span_payload(batch.resource, spool_test::run_spans(5, 1).spans[0]), sixth);
  std::ofstream(segment, std::ios::app | std::ios::binary) << sixth.substr(0, sixth.size() / 2);

  SegmentLog log(options_in(dir));
  ASSERT_EQ(log.open(), "");
  EXPECT_EQ(log.stats().torn_tails, 1u);
  EXPECT_EQ(std::filesystem::file_size(segment), intact_size);
  EXPECT_EQ(ids_read_back(log), spool_test::span_ids(batch));
  std::string error;
  ASSERT_TRUE(log.append(payloads_of(spool_test::run_spans(5, 1)), error));
  EXPECT_EQ(ids_read_back(log).size(), 6u);
}

TEST(SegmentLog, CorruptRecordInTheMiddleIsSkippedAndTheRestKept) {
  ScratchDir dir;
  const SpanBatch batch = spool_test::run_spans(0, 5);
  {
    SegmentLog log(options_in(dir));
    ASSERT_EQ(log.open(), "");
    std::string error;
    ASSERT_TRUE(log.append(payloads_of(batch), error));
  }
  // Flip one byte inside the third record's payload (bit rot, a bad sector).
  const auto segment = segment_files(options_in(dir).directory).at(0);
  std::string bytes = testing::read_file(segment);
  ScanResult scan = scan_records(bytes);
  ASSERT_EQ(scan.records.size(), 5u);
  bytes[scan.records[2].offset + kRecordHeaderBytes + 10] ^= 0x01;
  testing::write_file(segment, bytes);

  SegmentLog log(options_in(dir));
  ASSERT_EQ(log.open(), "");
  EXPECT_EQ(log.stats().corrupt_regions, 1u);
  auto expected = spool_test::span_ids(batch);
  expected.erase(expected.begin() + 2);
  EXPECT_EQ(ids_read_back(log), expected);
}

TEST(SegmentLog, SizeCapDropsTheOldestUnsentSpansAndCountsThem) {
  ScratchDir dir;
  SpoolOptions options = options_in(dir);
  options.max_bytes = 16 * 1024;
  options.segment_bytes = 2 * 1024;
  options.fsync = FsyncPolicy::Never;  // 400 fsyncs would only make the test slow
  SegmentLog log(options);
  ASSERT_EQ(log.open(), "");
  const SpanBatch batch = spool_test::run_spans(0, 400);
  std::string error;
  for (const Span& s : batch.spans) ASSERT_TRUE(log.append({encode_span_payload(batch.resource, s)}, error));
  const SegmentLogStats stats = log.stats();
  EXPECT_LE(stats.bytes, options.max_bytes);
  EXPECT_GT(stats.dropped_oldest, 0u);
  EXPECT_EQ(stats.dropped_oldest + stats.pending, 400u);
  // What is left is the newest spans, in order, up to the last one.
  const auto left = ids_read_back(log);
  const auto all = spool_test::span_ids(batch);
  ASSERT_EQ(left.size(), stats.pending);
  EXPECT_EQ(left, std::vector<std::string>(all.end() - static_cast<std::ptrdiff_t>(left.size()), all.end()));
}

}  // namespace
}  // namespace pipetrace::spool
