// A Kubernetes Event as the tracer holds it while the object it is about is
// in flight: only what span building and the "same Event updated in place"
// check read, with its texts in the tracer's StringPool. An object can
// gather dozens of Events, so this is kept to 64 bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "extract/records.h"
#include "link/span_builder.h"
#include "link/string_pool.h"

namespace pipetrace {

struct HeldEvent {
  TimeNs first = 0;
  TimeNs last = 0;
  // Event names are "<object name>.<16 hex digits>" (the recorder's
  // convention): then only the digits are kept, else a pool id of the name.
  std::uint64_t name = 0;
  // An all-digit resourceVersion of up to 19 digits as its value (and
  // rv_digits its length, leading zeros included), else a pool id of it.
  std::uint64_t resource_version = 0;
  StringPool::Id ns = StringPool::kEmpty;
  StringPool::Id reason = StringPool::kEmpty;
  StringPool::Id message = StringPool::kEmpty;
  StringPool::Id type = StringPool::kEmpty;
  StringPool::Id field_path = StringPool::kEmpty;
  StringPool::Id reporting_component = StringPool::kEmpty;
  int count = 1;
  std::uint8_t rv_digits = 0;
  bool name_pooled = false;
};

// Holds `e`, an Event about the object named `object_name`, acquiring its
// texts from `pool`.
HeldEvent hold_event(const EventRecord& e, std::string_view object_name, StringPool& pool);
// Gives the event's texts back to the pool; the event is not to be read after.
void let_go(const HeldEvent& e, StringPool& pool);
void let_go(const std::vector<HeldEvent>& events, StringPool& pool);

// Whether `e` is the same Event object (namespace and name) as `held`.
bool same_event_object(const EventRecord& e, const HeldEvent& held, std::string_view object_name,
                       const StringPool& pool);
// Whether `candidate` is a newer observation of the Event `held` is: the
// tracer's order of observations, as for any record.
bool newer_event(const EventRecord& candidate, const HeldEvent& held, const StringPool& pool);

// Appends `event` to `events`, growing the storage by a quarter (at least
// four) rather than doubling: a pod's list lives as long as the pod.
void append_event(std::vector<HeldEvent>& events, HeldEvent event);

// The builders' view of held events (valid while the pool and the events are).
std::vector<ObjectEvent> view_events(const std::vector<HeldEvent>& events, std::string_view object_name,
                                     const StringPool& pool);

}  // namespace pipetrace
