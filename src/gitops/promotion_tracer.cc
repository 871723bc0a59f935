// See promotion_tracer.h.
#include "gitops/promotion_tracer.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "gitops/pr_graph_file.h"
#include "link/span_builder.h"
#include "link/span_parts.h"

namespace pipetrace::gitops {
namespace {

using span_parts::add;  // an attribute, unless its value is empty

bool all_zero(const std::string& sha) { return sha.find_first_not_of('0') == std::string::npos; }

std::string branch_of(const std::string& ref) {
  if (ref.starts_with("refs/heads/")) return ref.substr(11);
  if (ref.starts_with("refs/")) return {};  // tags and other refs start no release run here
  return ref;
}

// "https://github.com/owner/repo/pull/12" -> "https://github.com/owner/repo".
std::string repository_url(const std::string& pr_url) {
  for (const char* marker : {"/-/merge_requests/", "/merge_requests/", "/pull/"}) {
    if (auto at = pr_url.find(marker); at != std::string::npos) return pr_url.substr(0, at);
  }
  return {};
}

}  // namespace

PromotionTracer::PromotionTracer(PromotionOptions options, SpanSink& sink, const Clock& clock, PrProviders providers,
                                 const TraceCommentWriter* comments)
    : options_(std::move(options)), sink_(sink), clock_(clock), providers_(providers), comments_(comments) {}

std::string PromotionTracer::load() {
  if (options_.state_file.empty()) return "";
  std::string error = load_pr_graph(options_.state_file, graph_);
  if (!error.empty()) return error;
  for (const auto& [key, pr] : graph_.records()) {
    if (pr.emitted) continue;
    for (const ReleaseRun& run : pr.releases) release_traces_[webhook_trace_id(run.guid)] = key;
  }
  if (!graph_.records().empty()) {
    spdlog::info("gitops: loaded {} pull requests from {}", graph_.records().size(), options_.state_file);
  }
  return "";
}

void PromotionTracer::observe(const WebhookRecord& record, TimeNs observed_at) {
  if (record.provider != "github" && record.provider != "gitlab") return;
  if (record.event == "pull_request" && !record.pr_number.empty() && !record.repo_full_name.empty()) {
    observe_pull_request(record, observed_at);
  } else if (record.event == "push") {
    observe_push(record, observed_at);
  }
  if (dirty_) save();
}

void PromotionTracer::observe_pull_request(const WebhookRecord& r, TimeNs observed_at) {
  ++stats_.pull_request_events;
  const PrKey key = make_pr_key(r.provider, r.repo_full_name, r.pr_number);
  PrRecord& pr = graph_.upsert(key);
  const bool first = !pr.seen;
  const TimeNs at = r.timestamp != 0 ? r.timestamp : observed_at;
  pr.seen = true;
  pr.last_change = clock_.now();
  dirty_ = true;
  if (!r.pr_title.empty()) pr.title = r.pr_title;
  if (!r.pr_url.empty()) pr.url = r.pr_url;
  if (!r.ref.empty()) pr.head_ref = r.ref;
  if (!r.sha.empty()) pr.head_sha = r.sha;
  if (!r.base_ref.empty()) pr.base_ref = r.base_ref;
  if (pr.opened_at == 0) pr.opened_at = at;
  if (pr.emitted) {
    spdlog::debug("gitops: {} {} after its span was emitted; kept as it was", key.text(), r.action);
    return;
  }
  bool body_changed = !r.pr_body.empty() && r.pr_body != pr.body;
  if (body_changed) pr.body = r.pr_body;
  if (r.action == "closed") {
    pr.state = r.pr_merged ? PrState::Merged : PrState::Closed;
    pr.finished_at = at;
  } else if (r.action == "reopened") {
    pr.state = PrState::Open;
    pr.finished_at = 0;
  }
  // The webhook may carry no body (go-scm relays, some actions): the API has it.
  if (pr.body.empty() && !pr.fetched) {
    fetch(pr);
    body_changed = !pr.body.empty();
  }
  if (body_changed || first) read_links(pr);
  place(pr);
  comment(pr);
  if (first) place_waiting_children(key);
}

void PromotionTracer::observe_push(const WebhookRecord& r, TimeNs observed_at) {
  const std::string branch = branch_of(r.ref);
  if (r.guid.empty() || branch.empty() || r.sha.empty() || all_zero(r.sha)) return;
  const PrKey probe = make_pr_key(r.provider, r.repo_full_name, "0");
  // The merge's push: the merge commit when the API told it, else the most
  // recently merged PR into that branch that has no release run yet.
  PrRecord* chosen = nullptr;
  for (auto& [key, pr] : graph_.records()) {
    if (key.provider != probe.provider || key.repo != probe.repo || pr.state != PrState::Merged || pr.emitted ||
        pr.base_ref != branch) {
      continue;
    }
    bool known = std::any_of(pr.releases.begin(), pr.releases.end(), [&](const ReleaseRun& run) { return run.guid == r.guid; });
    if (known) return;
    if (!pr.merge_sha.empty() && pr.merge_sha == r.sha) {
      chosen = &pr;
      break;
    }
    if (!pr.releases.empty()) continue;
    if (chosen == nullptr || pr.finished_at > chosen->finished_at) chosen = &pr;
  }
  if (chosen == nullptr) return;
  TimeNs pushed = r.timestamp != 0 ? std::max(r.timestamp, chosen->finished_at) : observed_at;
  chosen->releases.push_back({r.guid, branch, r.sha, pushed, 0});
  chosen->last_change = clock_.now();
  release_traces_[webhook_trace_id(r.guid)] = chosen->key;
  dirty_ = true;
  spdlog::info("gitops: push {} to {} of {} is the release run of {}", r.sha.substr(0, 12), branch, r.repo_full_name,
               chosen->key.text());
}

void PromotionTracer::observe_span(const Span& span) {
  auto it = release_traces_.find(span.trace_id);
  if (it == release_traces_.end()) return;
  PrRecord* pr = graph_.find(it->second);
  if (pr == nullptr) return;
  for (ReleaseRun& run : pr->releases) {
    if (webhook_trace_id(run.guid) == span.trace_id && span.end > run.ended_at) {
      run.ended_at = span.end;
      dirty_ = true;
    }
  }
}

void PromotionTracer::apply_details(PrRecord& pr, const PrDetails& d) {
  pr.seen = true;
  if (pr.title.empty()) pr.title = d.title;
  if (pr.url.empty()) pr.url = d.url;
  if (pr.body.empty()) pr.body = d.body;
  if (pr.head_ref.empty()) pr.head_ref = d.head_ref;
  if (pr.head_sha.empty()) pr.head_sha = d.head_sha;
  if (pr.base_ref.empty()) pr.base_ref = d.base_ref;
  if (!d.merge_sha.empty()) pr.merge_sha = d.merge_sha;
  if (d.created_at != 0) pr.opened_at = d.created_at;  // the API knows; a first webhook may be a later action
  if (d.state == "merged" && pr.state != PrState::Merged) {
    pr.state = PrState::Merged;
    pr.finished_at = d.finished_at != 0 ? d.finished_at : clock_.now();
  } else if (d.state == "closed" && pr.state == PrState::Open) {
    pr.state = PrState::Closed;
    pr.finished_at = d.finished_at != 0 ? d.finished_at : clock_.now();
  }
}

void PromotionTracer::fetch(PrRecord& pr) {
  PrProvider* provider = providers_.find(pr.key.provider);
  if (provider == nullptr) return;
  pr.fetched = true;
  auto details = provider->get_pr(pr.key);
  if (!details.ok()) {
    ++stats_.fetch_failures;
    spdlog::warn("gitops: cannot read {} from the {} API, tracing it with what the webhooks said: {}", pr.key.text(),
                 pr.key.provider, details.error);
    return;
  }
  ++stats_.fetched;
  apply_details(pr, details.value);
  pr.last_change = clock_.now();
  dirty_ = true;
}

void PromotionTracer::read_links(PrRecord& pr) {
  std::vector<NoteLink> links = parse_release_note_links(pr.body, pr.key.provider);
  if (PrProvider* provider = providers_.find(pr.key.provider)) links = provider->links_in(pr.body);
  pr.promotes.clear();
  pr.commit_shas.clear();
  for (const NoteLink& link : links) {
    if (link.kind == NoteLinkKind::Commit) {
      pr.commit_shas.push_back(link.sha);
    } else if (!link.repo.empty()) {
      PrKey key = make_pr_key(link.provider, link.repo, link.number);
      if (key != pr.key && std::find(pr.promotes.begin(), pr.promotes.end(), key) == pr.promotes.end()) {
        pr.promotes.push_back(std::move(key));
      }
    }
  }
}

bool PromotionTracer::in_window(const PrRecord& parent, const PrRecord& child) const {
  if (parent.emitted) return false;
  if (parent.state == PrState::Open) return true;
  return parent.state == PrState::Merged && child.opened_at <= parent.finished_at + options_.child_pr_delay;
}

bool PromotionTracer::descends_from(const PrKey& key, const PrKey& ancestor) const {
  PrKey at = key;
  for (int depth = 0; depth < 16 && !at.empty(); ++depth) {
    if (at == ancestor) return true;
    const PrRecord* record = graph_.find(at);
    at = record ? record->parent : PrKey{};
  }
  return false;
}

void PromotionTracer::place(PrRecord& pr) {
  if (pr.emitted || !pr.parent.empty()) return;
  std::vector<PrRecord*> candidates;
  auto consider = [&](PrRecord* candidate) {
    if (candidate == nullptr || !candidate->seen || candidate == &pr || descends_from(candidate->key, pr.key)) return;
    if (std::find(candidates.begin(), candidates.end(), candidate) == candidates.end()) candidates.push_back(candidate);
  };
  const std::vector<PrKey> promotes = pr.promotes;  // fetching below may add records
  for (const PrKey& key : promotes) {
    PrRecord* known = graph_.find(key);
    if ((known == nullptr || !known->seen) && providers_.find(key.provider) != nullptr &&
        (known == nullptr || !known->fetched)) {
      known = &graph_.upsert(key);
      fetch(*known);
      if (!known->seen) known->last_change = clock_.now();
    }
    consider(known);
  }
  for (const std::string& sha : pr.commit_shas) {
    PrRecord* merged = graph_.find_by_commit(pr.key.provider, "", sha);
    consider(merged);
    if (merged != nullptr && std::find(pr.promotes.begin(), pr.promotes.end(), merged->key) == pr.promotes.end() &&
        merged != &pr) {
      pr.promotes.push_back(merged->key);
    }
  }
  if (candidates.empty()) return;
  auto latest = [](const PrRecord* a, const PrRecord* b) {
    TimeNs ta = a->finished_at != 0 ? a->finished_at : a->opened_at;
    TimeNs tb = b->finished_at != 0 ? b->finished_at : b->opened_at;
    return ta != tb ? ta < tb : a->key < b->key;
  };
  PrRecord* parent = nullptr;
  for (PrRecord* candidate : candidates) {
    if (in_window(*candidate, pr) && (parent == nullptr || latest(parent, candidate))) parent = candidate;
  }
  dirty_ = true;
  if (parent != nullptr) {
    pr.parent = parent->key;
    pr.linked_parent = {};
    spdlog::info("gitops: {} promotes {}: it joins trace {}", pr.key.text(), parent->key.text(),
                 graph_.trace_of(pr.key).hex());
    return;
  }
  PrRecord* newest = *std::max_element(candidates.begin(), candidates.end(), latest);
  if (pr.linked_parent != newest->key) {
    pr.linked_parent = newest->key;
    spdlog::info("gitops: {} promotes {}, which stopped waiting for children ({} after its merge): it starts "
                 "its own trace, linked to {}",
                 pr.key.text(), newest->key.text(), fmt::format("{}s", options_.child_pr_delay / 1000000000),
                 graph_.trace_of(newest->key).hex());
  }
}

void PromotionTracer::place_waiting_children(const PrKey& parent) {
  for (auto& [key, pr] : graph_.records()) {
    if (pr.emitted || !pr.seen || !pr.parent.empty() || key == parent) continue;
    if (std::find(pr.promotes.begin(), pr.promotes.end(), parent) == pr.promotes.end()) continue;
    place(pr);
    comment(pr);
  }
}

void PromotionTracer::comment(PrRecord& pr) {
  if (comments_ == nullptr || !pr.seen) return;
  PrProvider* provider = providers_.find(pr.key.provider);
  if (provider == nullptr) return;
  const TraceId trace = graph_.trace_of(pr.key);
  if (pr.commented_trace == trace.hex()) return;
  auto retry = comment_retry_at_.find(pr.key);
  if (retry != comment_retry_at_.end() && clock_.now() < retry->second) return;
  auto written = comments_->write(*provider, pr.key, trace);
  if (!written.ok()) {
    ++stats_.comment_failures;
    comment_retry_at_[pr.key] = clock_.now() + options_.comment_retry;
    spdlog::warn("gitops: cannot write the trace comment on {}, trying again later: {}", pr.key.text(), written.error);
    return;
  }
  comment_retry_at_.erase(pr.key);
  ++stats_.comments_written;
  pr.commented_trace = trace.hex();
  dirty_ = true;
}

void PromotionTracer::emit(PrRecord& pr) {
  const PrKey& key = pr.key;
  const TraceId trace = graph_.trace_of(key);
  const SpanId span_id = pr_span_id(key);
  std::vector<Span> spans;

  Span s;
  s.trace_id = trace;
  s.span_id = span_id;
  if (!pr.parent.empty()) s.parent_span_id = pr_span_id(pr.parent);
  s.name = fmt::format("{} {}{}{}", key.provider == "gitlab" ? "merge request" : "pull request", key.repo,
                       key.provider == "gitlab" ? "!" : "#", key.number);
  s.kind = SpanKind::Internal;
  s.start = pr.opened_at != 0 ? pr.opened_at : pr.finished_at;
  s.end = std::max(s.start, pr.finished_at);
  for (const ReleaseRun& run : pr.releases) s.end = std::max({s.end, run.pushed_at, run.ended_at});
  // A child that finished inside the wait is inside its parent too.
  for (const PrRecord* child : graph_.children_of(key)) {
    if (child->state != PrState::Open) s.end = std::max(s.end, child->finished_at);
  }
  add(s, "vcs.provider.name", key.provider);
  add(s, "vcs.repository.name", key.repo);
  add(s, "vcs.repository.url.full", repository_url(pr.url));
  add(s, "vcs.change.id", key.number);
  add(s, "vcs.change.title", pr.title);
  add(s, "vcs.change.state", pr_state_name(pr.state));
  add(s, "url.full", pr.url);
  add(s, "vcs.ref.head.name", pr.head_ref);
  add(s, "vcs.ref.head.revision", pr.head_sha);
  add(s, "vcs.ref.base.name", pr.base_ref);
  add(s, "pipetrace.gitops.role", pr.promotes.empty() ? "application" : "environment");
  if (!pr.promotes.empty()) {
    std::string promotes;
    for (const PrKey& k : pr.promotes) promotes += (promotes.empty() ? "" : " ") + k.text();
    add(s, "pipetrace.gitops.promotes", promotes);
  }
  if (!pr.linked_parent.empty()) {
    s.links.push_back({graph_.trace_of(pr.linked_parent), pr_span_id(pr.linked_parent), "",
                       {{"pipetrace.link.type", std::string("promoted-from")}}});
  }
  for (const PrKey& other : pr.promotes) {
    const PrRecord* record = graph_.find(other);
    if (other == pr.parent || other == pr.linked_parent || record == nullptr || !record->seen) continue;
    s.links.push_back({graph_.trace_of(other), pr_span_id(other), "", {{"pipetrace.link.type", std::string("promotes")}}});
  }
  spans.push_back(std::move(s));

  for (const ReleaseRun& run : pr.releases) {
    Span r;
    r.trace_id = trace;
    r.span_id = release_span_id(key, run.guid);
    r.parent_span_id = span_id;
    r.name = fmt::format("release run {} {}", key.repo, run.ref);
    r.start = run.pushed_at;
    r.end = std::max(run.pushed_at, run.ended_at);
    add(r, "vcs.provider.name", key.provider);
    add(r, "vcs.repository.name", key.repo);
    add(r, "vcs.ref.head.name", run.ref);
    add(r, "vcs.ref.head.revision", run.sha);
    add(r, "pipetrace.webhook.guid", run.guid);
    add(r, "pipetrace.gitops.ci_trace_id", webhook_trace_id(run.guid).hex());
    if (run.ended_at == 0) r.attributes.push_back({"pipetrace.gitops.ci_trace_seen", false});
    // The CI trace of the push stays a trace of its own (its IDs are fixed by
    // the delivery GUID); the link joins the two.
    r.links.push_back({webhook_trace_id(run.guid), webhook_span_id(run.guid), "",
                       {{"pipetrace.link.type", std::string("ci-trace")}}});
    spans.push_back(std::move(r));
    release_traces_.erase(webhook_trace_id(run.guid));
  }
  stats_.emitted_spans += spans.size();
  spdlog::info("gitops: {} ({}) emitted in trace {}", key.text(), pr_state_name(pr.state), trace.hex());
  sink_.consume(SpanBatch{options_.resource, std::move(spans)});
  pr.emitted = true;
  pr.last_change = clock_.now();
  dirty_ = true;
}

void PromotionTracer::tick() {
  const TimeNs now = clock_.now();
  for (auto& [key, pr] : graph_.records()) {
    if (pr.emitted || !pr.seen) continue;
    if ((pr.state == PrState::Merged && now >= pr.finished_at + options_.child_pr_delay) ||
        pr.state == PrState::Closed) {
      emit(pr);
    }
  }
  if (comments_ != nullptr) {
    for (auto& [key, pr] : graph_.records()) comment(pr);
  }
  if (std::size_t forgotten = graph_.forget_before(now - options_.forget_after); forgotten > 0) {
    spdlog::info("gitops: forgot {} pull requests untouched for {}h", forgotten, options_.forget_after / 3600000000000LL);
    std::erase_if(comment_retry_at_, [this](const auto& entry) { return graph_.find(entry.first) == nullptr; });
    std::erase_if(release_traces_, [this](const auto& entry) { return graph_.find(entry.second) == nullptr; });
    dirty_ = true;
  }
  if (dirty_) save();
}

void PromotionTracer::flush() {
  if (dirty_) save();
  sink_.flush();
}

void PromotionTracer::save() {
  dirty_ = false;
  if (options_.state_file.empty()) return;
  if (std::string error = save_pr_graph(graph_, options_.state_file); !error.empty()) {
    dirty_ = true;  // tried again on the next change or tick
    spdlog::warn("gitops: cannot save the pull request graph, keeping it in memory: {}", error);
  }
}

}  // namespace pipetrace::gitops
