// A Kubernetes Event as the tracer holds it while the object it is about is
// in flight: only what span building and the "same Event updated in place"
// check read (HeldEventList keeps them encoded). A pod gathers a score of
// Events, most of them alike across runs, so the texts go to the tracer's
// StringPool as one packed tuple, which repeats; a message that names the
// object ("Successfully assigned jx/<pod> to <node>") is held without the
// name, so that it repeats too.
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
  // convention): then only the digits are kept here, else the name is one
  // of the packed texts.
  std::uint64_t name = 0;
  // An all-digit resourceVersion of up to 19 digits as its value (and
  // rv_digits its length, leading zeros included), else one of the texts.
  std::uint64_t resource_version = 0;
  // Namespace, reason, message, type, field path, reporting component, and
  // the name and resourceVersion when they are not held above.
  StringPool::Id texts = StringPool::kEmpty;
  // Counts beyond 2^26 - 1 (a back-off repeating for years) are held as that.
  std::uint32_t count : 26 = 1;
  std::uint32_t rv_digits : 5 = 0;
  std::uint32_t name_in_texts : 1 = 0;
  // 1 + where the object's name was cut from the message; 0: it was not.
  std::uint32_t object_name_at = 0;
};

// Holds `e`, an Event about the object named `object_name`, acquiring its
// texts from `pool`.
HeldEvent hold_event(const EventRecord& e, std::string_view object_name, StringPool& pool);
// Gives the event's texts back to the pool; the event is not to be read after.
void let_go(const HeldEvent& e, StringPool& pool);

// How a held Event keeps `e`'s name: as the digits of its hex suffix when
// the name is conventional, else among its texts.
struct HeldName {
  bool conventional = false;
  std::uint64_t digits = 0;
  // Whether a held Event whose name is kept so (among its texts, or as
  // these digits) can have this name. Names of one object's Events are
  // conventional or not alike; an unconventional one is told by its texts.
  bool may_be(bool held_in_texts, std::uint64_t held_digits) const {
    return held_in_texts != conventional && (!conventional || held_digits == digits);
  }
};
HeldName held_name(const EventRecord& e, std::string_view object_name);

// Whether `e` is the same Event object (namespace and name) as `held`.
bool same_event_object(const EventRecord& e, const HeldEvent& held, std::string_view object_name,
                       const StringPool& pool);
// The same, with `e`'s name as held_name gave it (asked of many held Events).
bool same_event_object(const EventRecord& e, const HeldName& name, const HeldEvent& held, const StringPool& pool);

// Whether `candidate` is a newer observation of the Event `held` is: the
// tracer's order of observations, as for any record.
bool newer_event(const EventRecord& candidate, const HeldEvent& held, const StringPool& pool);

// The builders' view of held events (valid while the pool and the events are).
std::vector<ObjectEvent> view_events(const std::vector<HeldEvent>& events, std::string_view object_name,
                                     const StringPool& pool);

}  // namespace pipetrace
