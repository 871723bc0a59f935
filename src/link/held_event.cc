// Holding Kubernetes Events compactly, and giving them back to the builders.
#include "link/held_event.h"

#include <algorithm>

namespace pipetrace {
namespace {

constexpr std::size_t kHexDigits = 16;
constexpr std::size_t kMaxDecimalDigits = 19;  // every such number fits in 64 bits

// The 16 lowercase hex digits after "<object name>." in `name`, when that is
// all there is to it: only then is the name rebuilt exactly from them.
bool hex_suffix(std::string_view name, std::string_view object_name, std::uint64_t& value) {
  if (name.size() != object_name.size() + 1 + kHexDigits || !name.starts_with(object_name) ||
      name[object_name.size()] != '.') {
    return false;
  }
  std::uint64_t v = 0;
  for (char c : name.substr(object_name.size() + 1)) {
    std::uint64_t digit;
    if (c >= '0' && c <= '9') {
      digit = static_cast<std::uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<std::uint64_t>(c - 'a' + 10);
    } else {
      return false;
    }
    v = v << 4 | digit;
  }
  value = v;
  return true;
}

bool decimal_value(std::string_view text, std::uint64_t& value) {
  if (text.empty() || text.size() > kMaxDecimalDigits) return false;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  value = v;
  return true;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string name_of(const HeldEvent& e, std::string_view object_name, const StringPool& pool) {
  if (e.name_pooled) return std::string(pool.view(static_cast<StringPool::Id>(e.name)));
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(object_name.size() + 1 + kHexDigits);
  out.append(object_name);
  out += '.';
  for (int shift = 4 * (kHexDigits - 1); shift >= 0; shift -= 4) out += kDigits[(e.name >> shift) & 0xf];
  return out;
}

std::string resource_version_of(const HeldEvent& e, const StringPool& pool) {
  if (e.rv_digits == 0) return std::string(pool.view(static_cast<StringPool::Id>(e.resource_version)));
  std::string digits = std::to_string(e.resource_version);
  if (digits.size() < e.rv_digits) digits.insert(0, e.rv_digits - digits.size(), '0');
  return digits;
}

}  // namespace

HeldEvent hold_event(const EventRecord& e, std::string_view object_name, StringPool& pool) {
  HeldEvent h;
  h.first = e.first;
  h.last = e.last;
  h.count = e.count;
  if (!hex_suffix(e.meta.name, object_name, h.name)) {
    h.name = pool.acquire(e.meta.name);
    h.name_pooled = true;
  }
  if (decimal_value(e.meta.resource_version, h.resource_version)) {
    h.rv_digits = static_cast<std::uint8_t>(e.meta.resource_version.size());
  } else {
    h.resource_version = pool.acquire(e.meta.resource_version);
  }
  h.ns = pool.acquire(e.meta.ns);
  h.reason = pool.acquire(e.reason);
  h.message = pool.acquire(e.message);
  h.type = pool.acquire(e.type);
  h.field_path = pool.acquire(e.involved.field_path);
  h.reporting_component = pool.acquire(e.reporting_component);
  return h;
}

void let_go(const HeldEvent& e, StringPool& pool) {
  if (e.name_pooled) pool.release(static_cast<StringPool::Id>(e.name));
  if (e.rv_digits == 0) pool.release(static_cast<StringPool::Id>(e.resource_version));
  pool.release(e.ns);
  pool.release(e.reason);
  pool.release(e.message);
  pool.release(e.type);
  pool.release(e.field_path);
  pool.release(e.reporting_component);
}

void let_go(const std::vector<HeldEvent>& events, StringPool& pool) {
  for (const HeldEvent& e : events) let_go(e, pool);
}

bool same_event_object(const EventRecord& e, const HeldEvent& held, std::string_view object_name,
                       const StringPool& pool) {
  if (pool.view(held.ns) != e.meta.ns) return false;
  if (held.name_pooled) return pool.view(static_cast<StringPool::Id>(held.name)) == e.meta.name;
  std::uint64_t suffix = 0;
  return hex_suffix(e.meta.name, object_name, suffix) && suffix == held.name;
}

bool newer_event(const EventRecord& candidate, const HeldEvent& held, const StringPool& pool) {
  // resourceVersions are opaque by contract but etcd's are integers: compare
  // them as such when they are, else the later of the times stated.
  const std::string& a = candidate.meta.resource_version;
  std::string b = resource_version_of(held, pool);
  if (all_digits(a) && all_digits(b) && a != b) {
    if (a.size() != b.size()) return a.size() > b.size();
    return a > b;
  }
  return std::max<TimeNs>(0, candidate.last) > std::max<TimeNs>(0, held.last);
}

void append_event(std::vector<HeldEvent>& events, HeldEvent event) {
  if (events.size() == events.capacity()) events.reserve(events.size() + std::max<std::size_t>(4, events.size() / 4));
  events.push_back(event);
}

std::vector<ObjectEvent> view_events(const std::vector<HeldEvent>& events, std::string_view object_name,
                                     const StringPool& pool) {
  std::vector<ObjectEvent> out;
  out.reserve(events.size());
  for (const HeldEvent& e : events) {
    ObjectEvent v;
    v.name = name_of(e, object_name, pool);
    v.reason = pool.view(e.reason);
    v.message = pool.view(e.message);
    v.type = pool.view(e.type);
    v.field_path = pool.view(e.field_path);
    v.reporting_component = pool.view(e.reporting_component);
    v.first = e.first;
    v.last = e.last;
    v.count = e.count;
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace pipetrace
