// The GitOps PR graph: what pipetrace knows about each pull/merge request
// (when it opened and merged, which application PRs its release notes link,
// whose trace it joined, which release run its merge triggered) and the
// look-ups the promotion tracer needs. Plain data, persisted by pr_graph_file.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "gitops/pr_key.h"
#include "model/span.h"

namespace pipetrace::gitops {

enum class PrState { Open, Merged, Closed };
const char* pr_state_name(PrState state);  // "open" | "merged" | "closed"

// The push to the base branch that a merge caused, and so the release
// pipeline it started: its CI trace is the push delivery's trace.
struct ReleaseRun {
  std::string guid;  // the push webhook's delivery GUID: names its CI trace
  std::string ref;
  std::string sha;
  TimeNs pushed_at = 0;
  TimeNs ended_at = 0;  // the latest end of any span seen in its CI trace
};

struct PrRecord {
  PrKey key;
  std::string title;
  std::string url;
  std::string body;
  std::string head_ref;
  std::string head_sha;
  std::string base_ref;
  std::string merge_sha;  // from the provider's API only
  PrState state = PrState::Open;
  TimeNs opened_at = 0;
  TimeNs finished_at = 0;  // merged or closed
  bool seen = false;       // false: only named by another PR's notes so far
  bool fetched = false;    // asked the provider's API already

  std::vector<PrKey> promotes;          // application PRs its body links
  std::vector<std::string> commit_shas;  // commits its body links

  PrKey parent;         // joined the parent's trace (empty: none)
  PrKey linked_parent;  // came after the parent's delay: own trace, linked to it
  std::vector<ReleaseRun> releases;
  bool emitted = false;
  std::string commented_trace;  // the trace ID the PR's comment shows now
  TimeNs last_change = 0;       // by the clock, for forgetting
};

class PrGraph {
 public:
  PrRecord* find(const PrKey& key);
  const PrRecord* find(const PrKey& key) const;
  PrRecord& upsert(const PrKey& key);
  // A PR of the repository whose head, merge commit or release push is `sha`
  // (a prefix of 7+ digits matches); null when none or ambiguous.
  PrRecord* find_by_commit(const std::string& provider, const std::string& repo, const std::string& sha);
  std::vector<PrRecord*> children_of(const PrKey& key);

  // The trace a PR's span is in: its parent's (transitively), else its own.
  TraceId trace_of(const PrKey& key) const;

  // Drops records untouched since `before`; returns how many.
  std::size_t forget_before(TimeNs before);

  std::map<PrKey, PrRecord>& records() { return records_; }
  const std::map<PrKey, PrRecord>& records() const { return records_; }

 private:
  std::map<PrKey, PrRecord> records_;
};

}  // namespace pipetrace::gitops
