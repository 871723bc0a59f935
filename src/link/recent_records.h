// The newest records of the resources observed last, kept as they are
// instead of frozen. A resource in flight is observed in bursts (a pod is
// modified as each of its containers starts, its TaskRun as each step
// does), and freezing every observation only to replace it with the next
// was most of what an update cost. There are few places, so the memory a
// resource costs while in flight stays that of its frozen form: when a
// record comes in and every place is taken, the one put least recently is
// frozen and handed to its resource.
//
// A resource holds its newest record as a FrozenRecord plus a place
// number, which names one of ours (and then the FrozenRecord is empty) or
// is kNone. The place lives in the resource, so that finding its record
// takes no look-up; we keep pointers to both, so a resource must not move
// while it has a place, and must drop() it before it goes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "extract/records.h"
#include "link/frozen_record.h"

namespace pipetrace {

class RecentRecords {
 public:
  static constexpr std::uint16_t kNone = std::numeric_limits<std::uint16_t>::max();
  static constexpr std::size_t kMaxCapacity = kNone;

  // With no places, every record is frozen as it comes in. Records are
  // frozen against `templates`, which must outlive this.
  RecentRecords(std::size_t capacity, FreezeTemplates& templates);
  RecentRecords(const RecentRecords&) = delete;
  RecentRecords& operator=(const RecentRecords&) = delete;

  // Makes `record` the newest of the resource that holds `frozen` and
  // `place`, letting its previous one go.
  void put(ResourceRecord&& record, FrozenRecord& frozen, std::uint16_t& place);

  // The resource's newest record: ours, or its frozen one thawed into
  // `scratch` (whole, or with its metadata only; see FrozenRecord). One of
  // ours stays valid until the next put() or drop(), which may let it go.
  const ResourceRecord& get(const FrozenRecord& frozen, std::uint16_t place, ResourceRecord& scratch) const;
  const ResourceRecord& get_metadata(const FrozenRecord& frozen, std::uint16_t place,
                                     ResourceRecord& scratch) const;

  // Whether the resource's newest record is a T, without thawing it.
  template <typename T>
  bool holds(const FrozenRecord& frozen, std::uint16_t place) const {
    return place != kNone ? std::holds_alternative<T>(slots_[place].record) : frozen.holds<T>();
  }

  // Frees the resource's place, if it has one (its record goes with it).
  void drop(std::uint16_t& place);

  std::size_t capacity() const { return slots_.size(); }

 private:
  struct Slot {
    ResourceRecord record;
    FrozenRecord* frozen = nullptr;  // null while the place is free
    std::uint16_t* place = nullptr;
    std::uint64_t last_put = 0;
  };
  std::uint16_t free_place();

  std::vector<Slot> slots_;
  FreezeTemplates& templates_;
  std::uint64_t clock_ = 0;
};

}  // namespace pipetrace
