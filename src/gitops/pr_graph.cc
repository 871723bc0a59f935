// See pr_graph.h.
#include "gitops/pr_graph.h"


namespace pipetrace::gitops {

const char* pr_state_name(PrState state) {
  switch (state) {
    case PrState::Open: return "open";
    case PrState::Merged: return "merged";
    case PrState::Closed: return "closed";
  }
  return "open";
}

PrRecord* PrGraph::find(const PrKey& key) {
  auto it = records_.find(key);
  return it == records_.end() ? nullptr : &it->second;
}

const PrRecord* PrGraph::find(const PrKey& key) const {
  auto it = records_.find(key);
  return it == records_.end() ? nullptr : &it->second;
}

PrRecord& PrGraph::upsert(const PrKey& key) {
  auto [it, added] = records_.try_emplace(key);
  if (added) it->second.key = key;
  return it->second;
}

PrRecord* PrGraph::find_by_commit(const std::string& provider, const std::string& repo, const std::string& sha) {
  if (sha.size() < 7) return nullptr;
  auto matches = [&sha](const std::string& full) { return !full.empty() && full.starts_with(sha); };
  PrRecord* found = nullptr;
  for (auto& [key, record] : records_) {
    if (key.provider != provider || (!repo.empty() && key.repo != repo)) continue;
    bool hit = matches(record.head_sha) || matches(record.merge_sha);
    for (const ReleaseRun& run : record.releases) hit = hit || matches(run.sha);
    if (!hit) continue;
    if (found != nullptr) return nullptr;
    found = &record;
  }
  return found;
}

std::vector<PrRecord*> PrGraph::children_of(const PrKey& key) {
  std::vector<PrRecord*> children;
  for (auto& [k, record] : records_) {
    if (record.parent == key) children.push_back(&record);
  }
  return children;
}

TraceId PrGraph::trace_of(const PrKey& key) const {
  PrKey at = key;
  // Bounded: a cycle cannot be built (placement refuses one), but a damaged
  // state file could hold one.
  for (int depth = 0; depth < 16; ++depth) {
    const PrRecord* record = find(at);
    if (record == nullptr || record->parent.empty()) break;
    at = record->parent;
  }
  return pr_trace_id(at);
}

std::size_t PrGraph::forget_before(TimeNs before) {
  // A parent stays as long as a child that is kept needs it for its trace ID.
  std::map<PrKey, bool> needed;
  for (const auto& [key, record] : records_) {
    if (record.last_change < before) continue;
    PrKey at = record.parent;
    for (int depth = 0; depth < 16 && !at.empty() && !needed[at]; ++depth) {
      needed[at] = true;
      const PrRecord* parent = find(at);
      at = parent ? parent->parent : PrKey{};
    }
  }
  std::size_t dropped = 0;
  for (auto it = records_.begin(); it != records_.end();) {
    if (it->second.last_change < before && !needed[it->first]) {
      it = records_.erase(it);
      ++dropped;
    } else {
      ++it;
    }
  }
  return dropped;
}

}  // namespace pipetrace::gitops
