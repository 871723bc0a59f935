// Encoding of a held Event (see held_event_list.h), after a flags byte:
//   flags       bit 0: the name is among the texts; bits 1-5: rv_digits;
//   name        8 bytes, little-endian, unless among the texts;
//   length      varint, of the rest, so that a search skips it unread;
//   texts       varint pool id;
//   first       a time relative to the previous event's first (the list's
//               first: relative to 0);
//   last        a time relative to this event's first;
//   count       varint;
//   name at     varint, HeldEvent::object_name_at;
//   rv          when rv_digits > 0: zigzag varint, relative to the previous
//               numeric resourceVersion in the list.
// A time is written as a zigzag varint with two low bits for its unit:
// seconds, microseconds or nanoseconds, the coarsest that is exact
// (Kubernetes writes Event times in whole seconds or microseconds).
#include "link/held_event_list.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "link/varint.h"

namespace pipetrace {

struct HeldEventList::Header {
  std::uint32_t used = 0;             // bytes of events after the header
  std::uint32_t capacity = 0;         // bytes for events after the header
  std::uint32_t count = 0;
  TimeNs previous_first = 0;          // the last event's first
  std::uint64_t previous_version = 0;  // the last numeric resourceVersion
};

namespace {

using varint::Wide;

constexpr std::uint8_t kNameInTexts = 1;
constexpr std::int64_t kUnits[] = {1, 1000, 1000000000};  // by tag: ns, us, s

void put_time(std::string& out, std::int64_t delta) {
  for (std::uint64_t tag = 3; tag-- > 0;) {
    if (delta % kUnits[tag] == 0) {
      varint::put(out, Wide{varint::zigzag(delta / kUnits[tag])} << 2 | tag);
      return;
    }
  }
}

std::int64_t get_time(const std::uint8_t*& at) {
  const Wide tag = varint::get<Wide>(at);
  return varint::unzigzag(static_cast<std::uint64_t>(tag >> 2)) * kUnits[static_cast<std::size_t>(tag & 3)];
}

// The name and the offset of the rest of the event at `at`.
struct EventStart {
  bool name_in_texts = false;
  std::uint64_t name = 0;
  const std::uint8_t* rest = nullptr;
  const std::uint8_t* next = nullptr;
};

EventStart read_start(const std::uint8_t* at) {
  EventStart s;
  const std::uint8_t flags = *at++;
  s.name_in_texts = (flags & kNameInTexts) != 0;
  if (!s.name_in_texts) {
    for (int i = 0; i < 8; ++i) s.name |= static_cast<std::uint64_t>(at[i]) << (8 * i);
    at += 8;
  }
  const auto length = varint::get<std::size_t>(at);
  s.rest = at;
  s.next = at + length;
  return s;
}

}  // namespace

HeldEventList::Header* HeldEventList::header() const {
  return reinterpret_cast<Header*>(block_.get());
}

std::size_t HeldEventList::size() const { return block_ ? header()->count : 0; }

std::size_t HeldEventList::allocated() const { return block_ ? sizeof(Header) + header()->capacity : 0; }

void HeldEventList::append(const HeldEvent& e) {
  thread_local std::string rest;
  thread_local std::string encoded;
  Header previous = block_ ? *header() : Header{};
  rest.clear();
  varint::put(rest, std::uint64_t{e.texts});
  put_time(rest, varint::delta(e.first, previous.previous_first));
  put_time(rest, varint::delta(e.last, e.first));
  varint::put(rest, std::uint64_t{e.count});
  varint::put(rest, std::uint64_t{e.object_name_at});
  if (e.rv_digits > 0) {
    varint::put(rest, varint::zigzag(varint::delta(static_cast<std::int64_t>(e.resource_version),
                                                   static_cast<std::int64_t>(previous.previous_version))));
  }
  encoded.clear();
  encoded += static_cast<char>((e.name_in_texts ? kNameInTexts : 0) | e.rv_digits << 1);
  if (!e.name_in_texts) {
    for (int i = 0; i < 8; ++i) encoded += static_cast<char>(e.name >> (8 * i));
  }
  varint::put(encoded, std::uint64_t{rest.size()});
  encoded += rest;

  const std::size_t needed = previous.used + encoded.size();
  if (!block_ || needed > previous.capacity) {
    // Grows by an eighth (at least 64 bytes): a pod's list lives as long
    // as the pod, so slack costs more than the odd copy.
    const std::size_t capacity = std::max<std::size_t>(needed, previous.capacity + std::max<std::size_t>(64, previous.capacity / 8));
    auto grown = std::make_unique_for_overwrite<std::uint8_t[]>(sizeof(Header) + capacity);
    if (block_) std::memcpy(grown.get() + sizeof(Header), block_.get() + sizeof(Header), previous.used);
    block_ = std::move(grown);
    previous.capacity = static_cast<std::uint32_t>(capacity);
  }
  std::memcpy(block_.get() + sizeof(Header) + previous.used, encoded.data(), encoded.size());
  Header& h = *header();
  h = previous;
  h.used = static_cast<std::uint32_t>(needed);
  h.count = previous.count + 1;
  h.previous_first = e.first;
  if (e.rv_digits > 0) h.previous_version = e.resource_version;
}

std::vector<HeldEvent> HeldEventList::decode() const {
  std::vector<HeldEvent> out;
  if (!block_) return out;
  const Header& h = *header();
  out.reserve(h.count);
  const std::uint8_t* at = block_.get() + sizeof(Header);
  const std::uint8_t* end = at + h.used;
  TimeNs previous_first = 0;
  std::uint64_t previous_version = 0;
  while (at < end) {
    const std::uint8_t flags = *at;
    const EventStart start = read_start(at);
    const std::uint8_t* rest = start.rest;
    HeldEvent e;
    e.name_in_texts = start.name_in_texts ? 1 : 0;
    e.name = start.name;
    e.rv_digits = static_cast<std::uint32_t>(flags >> 1) & 0x1f;
    e.texts = static_cast<StringPool::Id>(varint::get(rest));
    e.first = varint::undelta(get_time(rest), previous_first);
    e.last = varint::undelta(get_time(rest), e.first);
    e.count = static_cast<std::uint32_t>(varint::get(rest));
    e.object_name_at = static_cast<std::uint32_t>(varint::get(rest));
    if (e.rv_digits > 0) {
      e.resource_version = static_cast<std::uint64_t>(
          varint::undelta(varint::unzigzag(varint::get(rest)), static_cast<std::int64_t>(previous_version)));
      previous_version = e.resource_version;
    }
    previous_first = e.first;
    out.push_back(e);
    at = start.next;
  }
  return out;
}

void HeldEventList::encode(const std::vector<HeldEvent>& events) {
  block_.reset();
  for (const HeldEvent& e : events) append(e);
}

void HeldEventList::add(const EventRecord& e, std::string_view object_name, StringPool& pool) {
  if (block_) {
    // Only a held event with the same name can be the same object: the
    // others are skipped by their length, unread.
    const HeldName name = held_name(e, object_name);
    const std::uint8_t* at = block_.get() + sizeof(Header);
    const std::uint8_t* end = at + header()->used;
    while (at < end) {
      const EventStart start = read_start(at);
      if (name.may_be(start.name_in_texts, start.name)) break;
      at = start.next;
    }
    if (at < end) {
      std::vector<HeldEvent> events = decode();
      for (HeldEvent& held : events) {
        if (!same_event_object(e, name, held, pool)) continue;
        if (newer_event(e, held, pool)) {
          HeldEvent replacement = hold_event(e, object_name, pool);
          pipetrace::let_go(held, pool);
          held = replacement;
          encode(events);
        }
        return;
      }
    }
  }
  append(hold_event(e, object_name, pool));
}

std::vector<ObjectEvent> HeldEventList::view(std::string_view object_name, const StringPool& pool) const {
  return view_events(decode(), object_name, pool);
}

void HeldEventList::let_go(StringPool& pool) {
  for (const HeldEvent& e : decode()) pipetrace::let_go(e, pool);
  block_.reset();
}

}  // namespace pipetrace
