// The gitops worker as serve runs it: events and CI spans handed over from
// another thread, its own tick, the state file written, spans to the sink.
#include "gitops/gitops_worker.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>
#include <thread>

#include "gitops/pr_graph_file.h"
#include "gitops_test_support.h"

namespace pipetrace::gitops {
namespace {

class LockedSink final : public SpanSink {
 public:
  void consume(const SpanBatch& batch) override {
    std::lock_guard lock(mutex_);
    spans_.insert(spans_.end(), batch.spans.begin(), batch.spans.end());
  }
  std::vector<Span> spans() {
    std::lock_guard lock(mutex_);
    return spans_;
  }

 private:
  std::mutex mutex_;
  std::vector<Span> spans_;
};

ObservedEvent webhook_event(const WebhookRecord& record) {
  ObservedEvent event;
  event.type = WatchType::Webhook;
  event.record = record;
  return event;
}

TEST(GitopsWorker, EmitsFromItsOwnThreadAndKeepsTheGraphInTheDataDir) {
  const auto dir = std::filesystem::temp_directory_path() / ("pipetrace-gitops-worker-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  GitopsSettings settings;
  settings.child_pr_delay = 0;
  settings.tick_interval = std::chrono::milliseconds(10);
  settings.state_file = (dir / "nested" / kPrGraphFileName).string();
  LockedSink sink;
  SystemClock clock;
  GitopsWorker worker(settings, Resource{}, sink, clock);
  ASSERT_EQ(worker.start(), "");

  const std::string body = "This is a pretty simple change that we need to pull into master.";
  std::thread producer([&] {  // the tracer's thread, in serve
    worker.offer(webhook_event(testing::extract(
        "github", testing::github_pr_payload("opened", "Codertocat/Hello-World", 2, body, "2026-01-05T10:00:00Z",
                                             "2026-01-05T10:00:00Z"),
        "d1", "pull_request")));
    worker.offer(webhook_event(testing::extract(
        "github", testing::github_pr_payload("closed", "Codertocat/Hello-World", 2, body, "2026-01-05T10:00:00Z",
                                             "2026-01-05T10:20:00Z", true),
        "d2", "pull_request")));
  });
  producer.join();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (sink.spans().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  worker.stop();

  auto spans = sink.spans();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].name, "pull request codertocat/hello-world#2");
  EXPECT_EQ(spans[0].end, testing::at("2026-01-05T10:20:00Z"));
  PrGraph saved;
  ASSERT_EQ(load_pr_graph(settings.state_file, saved), "");
  ASSERT_NE(saved.find(make_pr_key("github", "Codertocat/Hello-World", "2")), nullptr);
  EXPECT_TRUE(saved.find(make_pr_key("github", "Codertocat/Hello-World", "2"))->emitted);
  std::filesystem::remove_all(dir);
}

TEST(GitopsSpanTap, PassesEverySpanOnUnchanged) {
  LockedSink next;
  LockedSink promotions;
  SystemClock clock;
  GitopsWorker worker(GitopsSettings{}, Resource{}, promotions, clock);
  GitopsSpanTap tap(next, worker);
  Span span;
  span.name = "PipelineRun release";
  tap.consume(SpanBatch{Resource{}, {span}});
  ASSERT_EQ(next.spans().size(), 1u);
  EXPECT_EQ(next.spans()[0], span);
}

}  // namespace
}  // namespace pipetrace::gitops
