// Reference-counted interning for the tracer's shared strings.
#include "link/string_pool.h"

namespace pipetrace {

StringPool::Id StringPool::acquire(std::string_view text) {
  if (text.empty()) return kEmpty;
  auto it = index_.find(text);
  if (it == index_.end()) {
    Id id;
    if (!free_ids_.empty()) {
      id = free_ids_.back();
      free_ids_.pop_back();
    } else {
      id = static_cast<Id>(by_id_.size());
      by_id_.push_back(nullptr);
    }
    it = index_.emplace(std::string(text), Slot{id, 0}).first;
    by_id_[id] = &*it;
  }
  ++it->second.holders;
  return it->second.id;
}

void StringPool::release(Id id) {
  if (id == kEmpty || id >= by_id_.size() || by_id_[id] == nullptr) return;
  auto* entry = by_id_[id];
  if (--entry->second.holders > 0) return;
  by_id_[id] = nullptr;
  free_ids_.push_back(id);
  index_.erase(index_.find(entry->first));
}

std::string_view StringPool::view(Id id) const {
  if (id == kEmpty || id >= by_id_.size() || by_id_[id] == nullptr) return {};
  return by_id_[id]->first;
}

}  // namespace pipetrace
