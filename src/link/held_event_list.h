// The Kubernetes Events held about one object while it is in flight. A pod
// gathers a score of them; as 40-byte HeldEvents they were the largest part
// of what the tracer held per resource. Here they are encoded one after
// another in one allocation, each relative to the one before (times and
// resourceVersions close together, texts pooled): about 20 bytes each.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "extract/records.h"
#include "link/held_event.h"
#include "link/span_builder.h"
#include "link/string_pool.h"

namespace pipetrace {

class HeldEventList {
 public:
  // Holds `e`, an Event about the object named `object_name`; when the
  // same Event object is held already (an Event repeating updates its
  // count and last time in place), keeps whichever observation is newer.
  void add(const EventRecord& e, std::string_view object_name, StringPool& pool);

  // The held Events, decoded, in the order they were first held.
  std::vector<HeldEvent> decode() const;
  // The builders' view of them (valid while the pool is).
  std::vector<ObjectEvent> view(std::string_view object_name, const StringPool& pool) const;

  // Gives every text back to the pool and holds nothing more.
  void let_go(StringPool& pool);

  std::size_t size() const;
  bool empty() const { return size() == 0; }
  // Bytes of its allocation (0 when it holds nothing).
  std::size_t allocated() const;

 private:
  struct Header;
  Header* header() const;
  void encode(const std::vector<HeldEvent>& events);
  void append(const HeldEvent& event);

  // A Header, then the events. Empty until the first event: most objects
  // have none, and then the list costs one pointer.
  std::unique_ptr<std::uint8_t[]> block_;
};

}  // namespace pipetrace
