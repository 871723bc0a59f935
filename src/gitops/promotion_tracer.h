// The promotion tracer: turns pull/merge request webhooks into the trace of a
// GitOps promotion. An application PR's span runs from open to merge; the
// release run its merge triggered (the push to the base branch) is a child
// span linked to that push's CI trace; environment PRs whose release notes
// link the application PR are child spans, open to merge. After a merge a
// PR's span waits `child_pr_delay` for children, then it is emitted; a child
// that opens later starts its own trace with a span link to its parent.
// Not thread-safe: one owner (the gitops worker, or a test) calls it.
#pragma once

#include <map>
#include <string>

#include "extract/records.h"
#include "gitops/pr_graph.h"
#include "gitops/pr_provider.h"
#include "gitops/trace_comment.h"
#include "model/clock.h"
#include "sinks/span_sink.h"

namespace pipetrace::gitops {

struct PromotionOptions {
  TimeNs child_pr_delay = 10LL * 60 * 1000000000;
  Resource resource;       // resource attributes of every batch
  std::string state_file;  // the persisted graph; "" keeps it in memory only
  // Records untouched this long are forgotten (a late child then links to nothing).
  TimeNs forget_after = 14LL * 24 * 3600 * 1000000000;
  // A failed comment write is tried again after this long.
  TimeNs comment_retry = 60LL * 1000000000;
};

struct PromotionStats {
  std::size_t pull_request_events = 0;
  std::size_t fetched = 0;        // PRs read from a provider's API
  std::size_t fetch_failures = 0;
  std::size_t emitted_spans = 0;
  std::size_t comments_written = 0;
  std::size_t comment_failures = 0;
};

class PromotionTracer {
 public:
  // `providers` (for fetches and comments) and `comments` may be null/empty:
  // then nothing is fetched or commented.
  PromotionTracer(PromotionOptions options, SpanSink& sink, const Clock& clock, PrProviders providers = {},
                  const TraceCommentWriter* comments = nullptr);

  // Reads the persisted graph; empty on success (or no file yet).
  std::string load();

  // Pull-request events (opened, edited, synchronize, reopened, closed) and
  // pushes (the release run after a merge); other events are ignored.
  void observe(const WebhookRecord& record, TimeNs observed_at);
  // Any span the CI tracer emitted: a release run's CI trace tells when it ended.
  void observe_span(const Span& span);
  // Emits the PRs whose wait is over, retries failed comments, forgets old records.
  void tick();
  // Shutdown: saves the graph; PRs not yet emitted are picked up after a restart.
  void flush();

  const PrGraph& graph() const { return graph_; }
  const PromotionStats& stats() const { return stats_; }

 private:
  void observe_pull_request(const WebhookRecord& record, TimeNs at);
  void observe_push(const WebhookRecord& record, TimeNs at);
  void apply_details(PrRecord& pr, const PrDetails& details);
  void fetch(PrRecord& pr);
  void read_links(PrRecord& pr);
  void place(PrRecord& pr);
  void place_waiting_children(const PrKey& parent);
  bool in_window(const PrRecord& parent, const PrRecord& child) const;
  bool descends_from(const PrKey& key, const PrKey& ancestor) const;
  void comment(PrRecord& pr);
  void emit(PrRecord& pr);
  void save();

  PromotionOptions options_;
  SpanSink& sink_;
  const Clock& clock_;
  PrProviders providers_;
  const TraceCommentWriter* comments_;
  PrGraph graph_;
  std::map<PrKey, TimeNs> comment_retry_at_;
  std::map<TraceId, PrKey> release_traces_;  // CI trace of a release run -> its PR, until emitted
  PromotionStats stats_;
  bool dirty_ = false;
};

}  // namespace pipetrace::gitops
