#include "link/recent_records.h"

#include <algorithm>
#include <utility>

namespace pipetrace {

RecentRecords::RecentRecords(std::size_t capacity, FreezeTemplates& templates)
    : slots_(std::min(capacity, kMaxCapacity)), templates_(templates) {}

std::uint16_t RecentRecords::free_place() {
  // Few places: a scan finds a free one, else the one put least recently.
  std::size_t oldest = 0;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i].frozen == nullptr) return static_cast<std::uint16_t>(i);
    if (slots_[i].last_put < slots_[oldest].last_put) oldest = i;
  }
  Slot& evicted = slots_[oldest];
  *evicted.frozen = FrozenRecord(evicted.record, templates_);
  *evicted.place = kNone;
  evicted.record = ResourceRecord();
  evicted.frozen = nullptr;
  evicted.place = nullptr;
  return static_cast<std::uint16_t>(oldest);
}

void RecentRecords::put(ResourceRecord&& record, FrozenRecord& frozen, std::uint16_t& place) {
  if (slots_.empty()) {
    frozen = FrozenRecord(record, templates_);
    return;
  }
  if (place == kNone) {
    place = free_place();
    frozen = FrozenRecord();
  }
  Slot& slot = slots_[place];
  slot.record = std::move(record);
  slot.frozen = &frozen;
  slot.place = &place;
  slot.last_put = ++clock_;
}

const ResourceRecord& RecentRecords::get(const FrozenRecord& frozen, std::uint16_t place,
                                         ResourceRecord& scratch) const {
  if (place != kNone) return slots_[place].record;
  scratch = frozen.thaw();
  return scratch;
}

const ResourceRecord& RecentRecords::get_metadata(const FrozenRecord& frozen, std::uint16_t place,
                                                  ResourceRecord& scratch) const {
  if (place != kNone) return slots_[place].record;
  scratch = frozen.thaw_metadata();
  return scratch;
}

void RecentRecords::drop(std::uint16_t& place) {
  if (place == kNone) return;
  Slot& slot = slots_[place];
  slot.record = ResourceRecord();
  slot.frozen = nullptr;
  slot.place = nullptr;
  place = kNone;
}

}  // namespace pipetrace
