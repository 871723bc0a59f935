// Holding Kubernetes Events compactly, and giving them back to the builders.
#include "link/held_event.h"

#include <algorithm>
#include <limits>

#include "link/varint.h"

namespace pipetrace {
namespace {

constexpr std::size_t kHexDigits = 16;
constexpr std::size_t kMaxDecimalDigits = 19;  // every such number fits in 64 bits
// Shorter object names are not cut from messages: they could be any word.
constexpr std::size_t kMinNameToCut = 8;

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

constexpr std::uint32_t kMaxCount = (1u << 26) - 1;

// The packed texts: each part as its length (LEB128) then its bytes, so
// that any text, NUL bytes included, round-trips.
enum Part { kNamespace, kReason, kMessage, kType, kFieldPath, kComponent, kName, kResourceVersion, kParts };

void append_part(std::string& out, std::string_view part) {
  varint::put(out, std::uint64_t{part.size()});
  out.append(part);
}

struct Texts {
  std::string_view part[kParts];
};

Texts unpack(std::string_view packed) {
  Texts t;
  std::size_t at = 0;
  for (auto& part : t.part) {
    std::size_t n = 0;
    for (int shift = 0; at < packed.size(); shift += 7) {
      unsigned char byte = static_cast<unsigned char>(packed[at++]);
      n |= static_cast<std::size_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) break;
    }
    n = std::min(n, packed.size() - at);
    part = packed.substr(at, n);
    at += n;
  }
  return t;
}

Texts texts_of(const HeldEvent& e, const StringPool& pool) { return unpack(pool.view(e.texts)); }

std::string name_of(const HeldEvent& e, const Texts& texts, std::string_view object_name) {
  if (e.name_in_texts) return std::string(texts.part[kName]);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(object_name.size() + 1 + kHexDigits);
  out.append(object_name);
  out += '.';
  for (int shift = 4 * (kHexDigits - 1); shift >= 0; shift -= 4) out += kDigits[(e.name >> shift) & 0xf];
  return out;
}

std::string resource_version_of(const HeldEvent& e, const StringPool& pool) {
  if (e.rv_digits == 0) return std::string(texts_of(e, pool).part[kResourceVersion]);
  std::string digits = std::to_string(e.resource_version);
  if (digits.size() < e.rv_digits) digits.insert(0, e.rv_digits - digits.size(), '0');
  return digits;
}

}  // namespace

HeldEvent hold_event(const EventRecord& e, std::string_view object_name, StringPool& pool) {
  HeldEvent h;
  h.first = e.first;
  h.last = e.last;
  h.count = static_cast<std::uint32_t>(std::clamp<std::int64_t>(e.count, 0, kMaxCount));
  std::string_view unconventional_name;
  if (!hex_suffix(e.meta.name, object_name, h.name)) {
    unconventional_name = e.meta.name;
    h.name_in_texts = 1;
  }
  std::string_view unconventional_rv;
  if (decimal_value(e.meta.resource_version, h.resource_version)) {
    h.rv_digits = static_cast<std::uint8_t>(e.meta.resource_version.size()) & 0x1f;
  } else {
    unconventional_rv = e.meta.resource_version;
  }
  thread_local std::string message;
  message = e.message;
  const std::size_t at = object_name.size() >= kMinNameToCut ? message.find(object_name) : std::string::npos;
  if (at != std::string::npos && at < std::numeric_limits<std::uint32_t>::max()) {
    message.erase(at, object_name.size());
    h.object_name_at = static_cast<std::uint32_t>(at + 1);
  }
  thread_local std::string packed;
  packed.clear();
  for (std::string_view part : {std::string_view(e.meta.ns), std::string_view(e.reason), std::string_view(message),
                                std::string_view(e.type), std::string_view(e.involved.field_path),
                                std::string_view(e.reporting_component), unconventional_name, unconventional_rv}) {
    append_part(packed, part);
  }
  h.texts = pool.acquire(packed);
  return h;
}

void let_go(const HeldEvent& e, StringPool& pool) { pool.release(e.texts); }

HeldName held_name(const EventRecord& e, std::string_view object_name) {
  HeldName n;
  n.conventional = hex_suffix(e.meta.name, object_name, n.digits);
  return n;
}

bool same_event_object(const EventRecord& e, const HeldName& name, const HeldEvent& held, const StringPool& pool) {
  if (!name.may_be(held.name_in_texts, held.name)) return false;
  const Texts texts = texts_of(held, pool);
  return texts.part[kNamespace] == e.meta.ns && (name.conventional || texts.part[kName] == e.meta.name);
}

bool same_event_object(const EventRecord& e, const HeldEvent& held, std::string_view object_name,
                       const StringPool& pool) {
  return same_event_object(e, held_name(e, object_name), held, pool);
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

std::vector<ObjectEvent> view_events(const std::vector<HeldEvent>& events, std::string_view object_name,
                                     const StringPool& pool) {
  std::vector<ObjectEvent> out;
  out.reserve(events.size());
  for (const HeldEvent& e : events) {
    const Texts texts = texts_of(e, pool);
    ObjectEvent v;
    v.name = name_of(e, texts, object_name);
    v.reason = texts.part[kReason];
    v.message = texts.part[kMessage];
    if (e.object_name_at != 0) {
      // Where it was cut from; the clamp only guards against a caller
      // viewing with another object's name.
      v.message.insert(std::min<std::size_t>(e.object_name_at - 1, v.message.size()), object_name);
    }
    v.type = texts.part[kType];
    v.field_path = texts.part[kFieldPath];
    v.reporting_component = texts.part[kComponent];
    v.first = e.first;
    v.last = e.last;
    v.count = static_cast<int>(e.count);
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace pipetrace
