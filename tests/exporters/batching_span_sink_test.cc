// BatchingSpanSink with an exporter double: batch size and delay, the queue
// bound (oldest dropped, counted, logged once), flush, and the destructor.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "log_capture.h"
#include "sinks/batching_span_sink.h"

namespace pipetrace {
namespace {

using namespace std::chrono_literals;

// What the exporter saw; shared so that it outlives the sink that owns the
// exporter.
struct ExportLog {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::vector<SpanBatch>> exports;
  bool gate_open = true;                       // while false, export_spans waits
  ExportStatus answer = ExportStatus::Sent;

  std::vector<std::string> span_names() {
    std::lock_guard lock(mutex);
    std::vector<std::string> out;
    for (const auto& request : exports) {
      for (const SpanBatch& batch : request) {
        for (const Span& span : batch.spans) out.push_back(span.name);
      }
    }
    return out;
  }
  std::size_t export_count() {
    std::lock_guard lock(mutex);
    return exports.size();
  }
  void open_gate() {
    std::lock_guard lock(mutex);
    gate_open = true;
    changed.notify_all();
  }
};

class RecordingExporter final : public SpanExporter {
 public:
  explicit RecordingExporter(std::shared_ptr<ExportLog> log) : log_(std::move(log)) {}
  ExportResult export_spans(std::span<const SpanBatch> batches) override {
    std::unique_lock lock(log_->mutex);
    log_->changed.wait(lock, [&] { return log_->gate_open; });
    log_->exports.emplace_back(batches.begin(), batches.end());
    log_->changed.notify_all();
    return ExportResult{log_->answer, log_->answer == ExportStatus::Sent ? "" : "collector down", 0, 1};
  }
  std::string describe() const override { return "the test exporter"; }

 private:
  std::shared_ptr<ExportLog> log_;
};

SpanBatch batch_of(int first, int count, const std::string& service = "pipetrace") {
  SpanBatch batch;
  batch.resource.attributes = {{"service.name", service}};
  for (int i = first; i < first + count; ++i) {
    Span span;
    span.name = "span-" + std::to_string(i);
    span.span_id.bytes[7] = static_cast<std::uint8_t>(i);
    batch.spans.push_back(span);
  }
  return batch;
}

std::vector<std::string> names(int first, int count) {
  std::vector<std::string> out;
  for (int i = first; i < first + count; ++i) out.push_back("span-" + std::to_string(i));
  return out;
}

BatchingOptions slow_options() {
  BatchingOptions options;
  options.schedule_delay = 1h;  // only size and flush send anything
  return options;
}

TEST(BatchingSpanSink, SendsFullBatchesOfAtMostMaxBatchInOrder) {
  auto log = std::make_shared<ExportLog>();
  BatchingOptions options = slow_options();
  options.max_batch = 3;
  BatchingSpanSink sink(std::make_unique<RecordingExporter>(log), options);

  for (int i = 0; i < 7; ++i) sink.consume(batch_of(i, 1));
  sink.flush();

  EXPECT_EQ(log->span_names(), names(0, 7));
  std::lock_guard lock(log->mutex);
  for (const auto& request : log->exports) {
    std::size_t spans = 0;
    for (const SpanBatch& batch : request) spans += batch.spans.size();
    EXPECT_LE(spans, 3u);
    EXPECT_GE(spans, 1u);
  }
  EXPECT_GE(log->exports.size(), 3u);
}

TEST(BatchingSpanSink, SendsAPartialBatchAfterTheScheduleDelay) {
  auto log = std::make_shared<ExportLog>();
  BatchingOptions options;
  options.schedule_delay = 20ms;
  BatchingSpanSink sink(std::make_unique<RecordingExporter>(log), options);

  sink.consume(batch_of(0, 2));

  std::unique_lock lock(log->mutex);
  EXPECT_TRUE(log->changed.wait_for(lock, 5s, [&] { return !log->exports.empty(); }))
      << "two spans were never sent without a flush";
}

TEST(BatchingSpanSink, FlushSendsEverythingAndWaits) {
  auto log = std::make_shared<ExportLog>();
  BatchingSpanSink sink(std::make_unique<RecordingExporter>(log), slow_options());

  sink.consume(batch_of(0, 5));
  EXPECT_EQ(log->export_count(), 0u);  // below max_batch and long before the delay
  sink.flush();

  EXPECT_EQ(log->span_names(), names(0, 5));
  const BatchingCounters counters = sink.counters();
  EXPECT_EQ(counters.enqueued, 5u);
  EXPECT_EQ(counters.exported, 5u);
  EXPECT_EQ(counters.queue_depth, 0u);
  EXPECT_EQ(counters.exports, 1u);
  sink.flush();  // nothing queued: returns at once
  EXPECT_EQ(log->export_count(), 1u);
}

TEST(BatchingSpanSink, KeepsEachResourceWithItsSpans) {
  auto log = std::make_shared<ExportLog>();
  BatchingSpanSink sink(std::make_unique<RecordingExporter>(log), slow_options());

  sink.consume(batch_of(0, 2, "a"));
  sink.consume(batch_of(2, 1, "a"));
  sink.consume(batch_of(3, 2, "b"));
  sink.flush();

  std::lock_guard lock(log->mutex);
  ASSERT_EQ(log->exports.size(), 1u);
  const auto& request = log->exports[0];
  ASSERT_EQ(request.size(), 2u);  // equal resources merged, different ones kept apart
  EXPECT_EQ(request[0].resource.attributes[0].value, AttributeValue(std::string("a")));
  EXPECT_EQ(request[0].spans.size(), 3u);
  EXPECT_EQ(request[1].resource.attributes[0].value, AttributeValue(std::string("b")));
  EXPECT_EQ(request[1].spans.size(), 2u);
}

TEST(BatchingSpanSink, DropsTheOldestWhenFullCountsAndLogsOnce) {
  auto log = std::make_shared<ExportLog>();
  testing::LogCapture logs;
  BatchingOptions options = slow_options();
  options.max_queue_size = 4;
  options.max_batch = 100;
  options.drop_log_interval = 1h;
  BatchingSpanSink sink(std::make_unique<RecordingExporter>(log), options);

  for (int i = 0; i < 10; ++i) sink.consume(batch_of(i, 1));
  const BatchingCounters before_flush = sink.counters();
  sink.flush();

  EXPECT_EQ(before_flush.queue_depth, 4u);
  EXPECT_EQ(before_flush.dropped, 6u);
  EXPECT_EQ(log->span_names(), names(6, 4));  // the newest four survive
  EXPECT_EQ(sink.counters().exported, 4u);
  EXPECT_EQ(logs.count("export queue full"), 1u) << logs.text();
  EXPECT_TRUE(logs.contains("dropped the 1 oldest spans")) << logs.text();
}

TEST(BatchingSpanSink, ConsumeNeverWaitsForABlockedExporter) {
  auto log = std::make_shared<ExportLog>();
  log->gate_open = false;
  BatchingOptions options;
  options.max_queue_size = 10;
  options.max_batch = 5;
  options.drop_log_interval = 0ms;
  testing::LogCapture logs;
  BatchingSpanSink sink(std::make_unique<RecordingExporter>(log), options);

  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) sink.consume(batch_of(i, 1));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);

  const BatchingCounters counters = sink.counters();
  EXPECT_EQ(counters.enqueued, 1000u);
  EXPECT_LE(counters.queue_depth, 10u);
  // At most one batch (5 spans) is held by the blocked exporter.
  EXPECT_GE(counters.dropped, 1000u - 10u - 5u);
  EXPECT_GT(logs.count("export queue full"), 1u);  // interval 0: every overflow is reported
  log->open_gate();
  sink.flush();
  const BatchingCounters after = sink.counters();
  EXPECT_EQ(after.exported + after.dropped, 1000u);
}

TEST(BatchingSpanSink, CountsFailedExports) {
  auto log = std::make_shared<ExportLog>();
  log->answer = ExportStatus::RetryableFailure;
  BatchingSpanSink sink(std::make_unique<RecordingExporter>(log), slow_options());

  sink.consume(batch_of(0, 3));
  sink.flush();

  const BatchingCounters counters = sink.counters();
  EXPECT_EQ(counters.failed, 3u);
  EXPECT_EQ(counters.exported, 0u);
}

TEST(BatchingSpanSink, DestructorSendsWhatIsQueued) {
  auto log = std::make_shared<ExportLog>();
  {
    BatchingSpanSink sink(std::make_unique<RecordingExporter>(log), slow_options());
    sink.consume(batch_of(0, 3));
    sink.consume(batch_of(3, 2));
  }
  EXPECT_EQ(log->span_names(), names(0, 5));
}

TEST(BatchingSpanSink, ShutdownStopsTryingOnceTheCollectorIsUnreachable) {
  auto log = std::make_shared<ExportLog>();
  log->answer = ExportStatus::RetryableFailure;
  log->gate_open = false;  // the first export hangs until the sink is being destroyed
  testing::LogCapture logs;
  std::thread release;
  {
    BatchingOptions options = slow_options();
    options.max_batch = 2;
    BatchingSpanSink sink(std::make_unique<RecordingExporter>(log), options);
    for (int i = 0; i < 10; ++i) sink.consume(batch_of(i, 1));
    release = std::thread([&] {
      std::this_thread::sleep_for(200ms);
      log->open_gate();
    });
  }
  release.join();
  // Without the rule, five batches of two would each go through their retries.
  EXPECT_LE(log->export_count(), 2u);
  EXPECT_TRUE(logs.contains("unreachable while shutting down")) << logs.text();
}

TEST(BatchingSpanSink, FlushFromSeveralThreadsAllReturn) {
  auto log = std::make_shared<ExportLog>();
  BatchingSpanSink sink(std::make_unique<RecordingExporter>(log), slow_options());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&sink, t] {
      for (int i = 0; i < 50; ++i) {
        sink.consume(batch_of(t * 100 + i, 1));
        if (i % 10 == 0) sink.flush();
      }
      sink.flush();
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(log->span_names().size(), 200u);
  EXPECT_EQ(sink.counters().exported, 200u);
}

}  // namespace
}  // namespace pipetrace
