// The GitOps promotion tracing inside `serve`: a thread of its own that owns
// the promotion tracer and the provider clients. The CI tracer's thread only
// hands it webhooks and the IDs and ends of finished spans (never blocking:
// a full queue drops with a log line), so slow provider APIs or rate-limit
// waits never hold up CI tracing. Ticks every second for the child-PR delay.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <variant>

#include "extract/records.h"
#include "gitops/github_provider.h"
#include "gitops/gitlab_provider.h"
#include "gitops/gitops_settings.h"
#include "gitops/promotion_tracer.h"
#include "gitops/trace_comment.h"

namespace pipetrace::gitops {

class GitopsWorker {
 public:
  // `sink` receives the promotion spans (the same sinks as the CI spans).
  GitopsWorker(GitopsSettings settings, Resource resource, SpanSink& sink, const Clock& clock);
  ~GitopsWorker();
  GitopsWorker(const GitopsWorker&) = delete;
  GitopsWorker& operator=(const GitopsWorker&) = delete;

  // Loads the persisted graph and starts the thread; empty on success.
  std::string start();
  // Handles what is queued, saves the graph, joins.
  void stop();

  // From any thread; never blocks.
  void offer(const ObservedEvent& event);
  void offer(const Span& span);

  std::size_t dropped() const;

 private:
  struct SpanEnd {
    TraceId trace_id;
    TimeNs end = 0;
  };
  using Item = std::variant<std::pair<WebhookRecord, TimeNs>, SpanEnd>;
  void push(Item item);
  void run();

  GitopsSettings settings_;
  const Clock& clock_;
  std::unique_ptr<ProviderHttp> github_http_;
  std::unique_ptr<ProviderHttp> gitlab_http_;
  std::unique_ptr<GitHubProvider> github_;
  std::unique_ptr<GitLabProvider> gitlab_;
  std::unique_ptr<TraceCommentWriter> comments_;
  std::unique_ptr<PromotionTracer> tracer_;

  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Item> queue_;
  std::size_t dropped_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

// A sink in front of the CI sinks that shows each span to the gitops worker
// on its way (release runs end when their CI trace does).
class GitopsSpanTap final : public SpanSink {
 public:
  GitopsSpanTap(SpanSink& next, GitopsWorker& worker) : next_(next), worker_(worker) {}
  void consume(const SpanBatch& batch) override {
    for (const Span& span : batch.spans) worker_.offer(span);
    next_.consume(batch);
  }
  void flush() override { next_.flush(); }

 private:
  SpanSink& next_;
  GitopsWorker& worker_;
};

}  // namespace pipetrace::gitops
