// The frozen form (see frozen_record.h): byte 0 is the kind, then each
// member in the order members() lists it. Strings are counted in writing
// order; each starts with a varint tag whose low two bits say its form:
//   0          the template's string in the same place ("" past the
//              template's end), and so is every one of the next tag >> 2
//              slots trivial (see Writer): they take no bytes;
//   1          its own bytes, tag >> 2 of them;
//   2          the template's string in the same place with its middle
//              replaced: tag >> 2 bytes of its start kept, then a varint
//              count of its end kept, a varint length and the middle bytes
//              (names of runs of one pipeline differ in a run number);
//   3          a lowercase canonical UUID, as its 16 bytes.
// Vectors' counts and bools are varints. Integers are zigzag varints,
// shifted left by one bit that says whether the value is the difference
// from the previous large integer (times in nanoseconds, which lie close
// together in one record).
// Only this file writes and reads the form, so the reader trusts the bytes.
#include "link/frozen_record.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>

#include "link/record_members.h"
#include "link/varint.h"

namespace pipetrace {
namespace {

enum StringForm : std::uint64_t { kShared = 0, kOwn = 1, kMiddle = 2, kUuid = 3 };

constexpr std::size_t kUuidText = 36;
constexpr std::size_t kUuidBytes = 16;

// Lowercase hex digits' values; 0xff for every other byte.
constexpr std::array<std::uint8_t, 256> kHexValue = [] {
  std::array<std::uint8_t, 256> table{};
  table.fill(0xff);
  for (int c = '0'; c <= '9'; ++c) table[c] = static_cast<std::uint8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) table[c] = static_cast<std::uint8_t>(c - 'a' + 10);
  return table;
}();

bool is_dash_position(std::size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

// The 16 bytes of `s` when it is a UUID as Kubernetes writes them
// (8-4-4-4-12 lowercase hex digits), so that it thaws back the same.
// Every uid is one: digits are looked up in a table and checked at the end.
bool uuid_bytes(std::string_view s, std::uint8_t* out) {
  if (s.size() != kUuidText || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') return false;
  std::uint8_t invalid = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < kUuidText; i += 2) {
    if (is_dash_position(i)) ++i;
    const std::uint8_t high = kHexValue[static_cast<unsigned char>(s[i])];
    const std::uint8_t low = kHexValue[static_cast<unsigned char>(s[i + 1])];
    invalid |= high | low;
    out[n++] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return (invalid & 0xf0) == 0;
}

void append_uuid(std::string& out, const std::uint8_t* bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  out.resize(kUuidText);
  std::size_t n = 0;
  for (std::size_t i = 0; i < kUuidText; ++i) {
    if (is_dash_position(i)) {
      out[i] = '-';
      continue;
    }
    out[i] = kDigits[bytes[n] >> 4];
    out[++i] = kDigits[bytes[n++] & 0xf];
  }
}

using varint::Wide;
using varint::unzigzag;
using varint::zigzag;

struct CommonEnds {
  std::size_t prefix = 0;
  std::size_t suffix = 0;  // of what follows the prefix in both
  std::size_t total() const { return prefix + suffix; }
};

std::uint64_t word_at(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

// Eight bytes at a time: every record is compared with its templates.
// (Byte order: the first differing byte is the lowest set one on
// little-endian machines, the highest on big-endian ones.)
std::size_t common_prefix(const char* a, const char* b, std::size_t limit) {
  std::size_t n = 0;
  for (; n + 8 <= limit; n += 8) {
    const std::uint64_t diff = word_at(a + n) ^ word_at(b + n);
    if (diff != 0) {
      if constexpr (std::endian::native == std::endian::little) return n + std::countr_zero(diff) / 8;
      return n + std::countl_zero(diff) / 8;
    }
  }
  while (n < limit && a[n] == b[n]) ++n;
  return n;
}

// The same from the ends backwards: a_end and b_end point one past.
std::size_t common_suffix(const char* a_end, const char* b_end, std::size_t limit) {
  std::size_t n = 0;
  for (; n + 8 <= limit; n += 8) {
    const std::uint64_t diff = word_at(a_end - n - 8) ^ word_at(b_end - n - 8);
    if (diff != 0) {
      if constexpr (std::endian::native == std::endian::little) return n + std::countl_zero(diff) / 8;
      return n + std::countr_zero(diff) / 8;
    }
  }
  while (n < limit && a_end[-1 - static_cast<std::ptrdiff_t>(n)] == b_end[-1 - static_cast<std::ptrdiff_t>(n)]) ++n;
  return n;
}

CommonEnds common_ends(std::string_view a, std::string_view b) {
  CommonEnds c;
  c.prefix = common_prefix(a.data(), b.data(), std::min(a.size(), b.size()));
  if (c.prefix == a.size() && c.prefix == b.size()) return c;
  c.suffix = common_suffix(a.data() + a.size(), b.data() + b.size(),
                           std::min(a.size(), b.size()) - c.prefix);
  return c;
}

// Integers this large are times; the next one is written relative to it.
bool is_large(std::int64_t v) { return v >= (std::int64_t{1} << 40) || v <= -(std::int64_t{1} << 40); }

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <typename T>
struct IsVector : std::false_type {};
template <typename T>
struct IsVector<std::vector<T>> : std::true_type {};
template <typename T>
struct IsPair : std::false_type {};
template <typename A, typename B>
struct IsPair<std::pair<A, B>> : std::true_type {};

// Calls f on every string of `v`, in writing order.
template <typename T, typename F>
void each_string(const T& v, F& f) {
  if constexpr (std::is_same_v<T, std::string>) {
    f(v);
  } else if constexpr (std::is_arithmetic_v<T>) {
  } else if constexpr (IsOptional<T>::value) {
    if (v) each_string(*v, f);
  } else if constexpr (IsVector<T>::value) {
    for (const auto& element : v) each_string(element, f);
  } else if constexpr (IsPair<T>::value) {
    each_string(v.first, f);
    each_string(v.second, f);
  } else {
    std::apply([&f](const auto&... member) { (each_string(member, f), ...); }, members(v));
  }
}

// Every string, integer, bool, optional's presence and vector's count is a
// slot. A slot is trivial when it holds what a reader would guess: the
// template's string in its place (else ""), 0, false, absent, empty.
class Writer {
 public:
  Writer(std::string& out, const FrozenTemplate* shared) : out_(out), shared_(shared) {}

  template <typename T>
  void put(const T& v) {
    if constexpr (std::is_same_v<T, std::string>) {
      string(v);
    } else if constexpr (std::is_same_v<T, bool>) {
      small(v ? 1 : 0);
    } else if constexpr (std::is_integral_v<T>) {
      integer(static_cast<std::int64_t>(v));
    } else if constexpr (IsOptional<T>::value) {
      put(v.has_value());
      if (v) put(*v);
    } else if constexpr (IsVector<T>::value) {
      small(v.size());
      for (const auto& element : v) put(element);
    } else if constexpr (IsPair<T>::value) {
      put(v.first);
      put(v.second);
    } else {
      std::apply([this](const auto&... member) { (put(member), ...); }, members(v));
    }
  }

  // Writes what is pending; call once every member is put.
  void finish() { close_run(); }

  // Bytes of the strings put, and of those the template holds in their
  // places (whole, or the start and end written around a middle): what
  // FreezeTemplates::choose weighs a template by.
  std::size_t total_bytes() const { return total_bytes_; }
  std::size_t shared_bytes() const { return shared_bytes_; }

 private:
  void put_varint(std::uint64_t v) { varint::put(out_, v); }

  // A run of trivial slots opens at a trivial string and takes in every
  // trivial slot after it; its tag, written when it closes, counts them.
  // Nothing is written inside a run, so the tag lands in the opening
  // string's place.
  bool extend_run() {
    if (!run_open_) return false;
    ++run_length_;
    return true;
  }
  void close_run() {
    if (!run_open_) return;
    put_varint(run_length_ << 2 | kShared);
    run_open_ = false;
    run_length_ = 0;
  }

  void small(std::uint64_t v) {
    if (v == 0 && extend_run()) return;
    close_run();
    put_varint(v);
  }

  void string(std::string_view v) {
    const std::size_t ordinal = strings_++;
    std::string_view shared;
    if (shared_ != nullptr && ordinal < shared_->size()) shared = (*shared_)[ordinal];
    total_bytes_ += v.size();
    if (v == shared) {
      shared_bytes_ += v.size();
      if (!extend_run()) run_open_ = true;
      return;
    }
    close_run();
    std::uint8_t uuid[kUuidBytes];
    if (uuid_bytes(v, uuid)) {
      if (!shared.empty()) shared_bytes_ += common_ends(v, shared).total();
      put_varint(kUuid);
      out_.append(reinterpret_cast<const char*>(uuid), kUuidBytes);
      return;
    }
    const auto [prefix, suffix] = common_ends(v, shared);
    shared_bytes_ += prefix + suffix;
    const std::size_t middle = v.size() - prefix - suffix;
    const std::size_t as_middle =
        varint::size_of(prefix << 2 | kMiddle) + varint::size_of(suffix) + varint::size_of(middle) + middle;
    const std::size_t as_own = varint::size_of(v.size() << 2 | kOwn) + v.size();
    if (as_middle < as_own) {
      put_varint(prefix << 2 | kMiddle);
      put_varint(suffix);
      put_varint(middle);
      out_.append(v.substr(prefix, middle));
    } else {
      put_varint(v.size() << 2 | kOwn);
      out_.append(v);
    }
  }

  void integer(std::int64_t v) {
    if (v == 0 && extend_run()) return;
    close_run();
    const Wide absolute = Wide{zigzag(v)} << 1;
    const Wide relative = Wide{zigzag(varint::delta(v, previous_large_))} << 1 | 1;
    const bool use_relative = previous_large_ != 0 && varint::size_of(relative) < varint::size_of(absolute);
    varint::put(out_, use_relative ? relative : absolute);
    if (is_large(v)) previous_large_ = v;
  }

  std::string& out_;
  const FrozenTemplate* shared_;
  std::size_t strings_ = 0;
  std::int64_t previous_large_ = 0;
  bool run_open_ = false;
  std::uint64_t run_length_ = 0;  // trivial slots after the opening string
  std::size_t total_bytes_ = 0;
  std::size_t shared_bytes_ = 0;
};

class Reader {
 public:
  Reader(const std::uint8_t* at, const FrozenTemplate* shared) : at_(at), shared_(shared) {}

  template <typename T>
  void take(T& v) {
    if constexpr (std::is_same_v<T, std::string>) {
      string(v);
    } else if constexpr (std::is_same_v<T, bool>) {
      v = small() != 0;
    } else if constexpr (std::is_integral_v<T>) {
      v = static_cast<T>(integer());
    } else if constexpr (IsOptional<T>::value) {
      bool present = false;
      take(present);
      if (present) take(v.emplace());
    } else if constexpr (IsVector<T>::value) {
      v.resize(static_cast<std::size_t>(small()));
      for (auto& element : v) take(element);
    } else if constexpr (IsPair<T>::value) {
      take(v.first);
      take(v.second);
    } else {
      std::apply([this](auto&... member) { (take(member), ...); }, members(v));
    }
  }

 private:
  std::uint64_t get_varint() { return varint::get(at_); }

  std::string_view bytes(std::size_t n) {
    std::string_view out(reinterpret_cast<const char*>(at_), n);
    at_ += n;
    return out;
  }

  bool in_run() {
    if (run_left_ == 0) return false;
    --run_left_;
    return true;
  }

  std::uint64_t small() { return in_run() ? 0 : get_varint(); }

  void string(std::string& v) {
    const std::size_t ordinal = strings_++;
    std::string_view shared;
    if (shared_ != nullptr && ordinal < shared_->size()) shared = (*shared_)[ordinal];
    if (in_run()) {
      v = shared;
      return;
    }
    const std::uint64_t tag = get_varint();
    const auto length = static_cast<std::size_t>(tag >> 2);
    switch (tag & 3) {
      case kShared:
        v = shared;
        run_left_ = tag >> 2;
        break;
      case kOwn:
        v = bytes(length);
        break;
      case kMiddle: {
        const auto suffix = static_cast<std::size_t>(get_varint());
        const auto middle = static_cast<std::size_t>(get_varint());
        v.reserve(length + middle + suffix);
        v.assign(shared.substr(0, length));
        v.append(bytes(middle));
        v.append(shared.substr(shared.size() - suffix));
        break;
      }
      case kUuid:
        append_uuid(v, at_);
        at_ += kUuidBytes;
        break;
    }
  }

  std::int64_t integer() {
    if (in_run()) return 0;
    const Wide tag = varint::get<Wide>(at_);
    const std::int64_t decoded = unzigzag(static_cast<std::uint64_t>(tag >> 1));
    const std::int64_t v = (tag & 1) != 0 ? varint::undelta(decoded, previous_large_) : decoded;
    if (is_large(v)) previous_large_ = v;
    return v;
  }

  const std::uint8_t* at_;
  const FrozenTemplate* shared_;
  std::size_t strings_ = 0;
  std::int64_t previous_large_ = 0;
  std::uint64_t run_left_ = 0;
};

// Metadata is every record's first member (record_members.h), so reading
// can stop after it.
template <std::size_t I = 0>
ResourceRecord thaw_kind(std::size_t index, Reader& reader, bool metadata_only) {
  if constexpr (I < std::variant_size_v<ResourceRecord>) {
    if (index != I) return thaw_kind<I + 1>(index, reader, metadata_only);
    ResourceRecord record(std::in_place_index<I>);
    auto& r = std::get<I>(record);
    if constexpr (requires { r.meta; }) {
      static_assert(std::is_same_v<std::remove_cvref_t<decltype(std::get<0>(members(r)))>, ObjectMeta>,
                    "metadata must come first in the record's member list");
      if (metadata_only) {
        reader.take(r.meta);
        return record;
      }
    }
    reader.take(r);
    return record;
  } else {
    return {};  // not reached: the index was written from a record
  }
}

}  // namespace

FrozenTemplate::FrozenTemplate(const std::vector<std::string_view>& strings) {
  std::size_t total = 0;
  for (std::string_view s : strings) total += s.size();
  text_.reserve(total);
  ends_.reserve(strings.size());
  for (std::string_view s : strings) {
    text_.append(s);
    ends_.push_back(static_cast<std::uint32_t>(text_.size()));
  }
}

TemplateRef FreezeTemplates::choose(std::size_t kind, const std::vector<std::string_view>& strings) {
  std::size_t total = 0;
  for (std::string_view s : strings) total += s.size();
  if (total == 0) return {};
  auto& slots = slots_[kind];
  // What a record would not have to write against `candidate`: whole
  // strings, and the starts and ends of those written by their middle.
  // Counting stops once `enough` is reached.
  auto shared_bytes = [&strings](const FrozenTemplate& candidate, std::size_t enough) {
    std::size_t shared = 0;
    for (std::size_t i = 0; i < strings.size() && i < candidate.size() && shared < enough; ++i) {
      shared += common_ends(strings[i], candidate[i]).total();
    }
    return shared;
  };
  const std::size_t a_third = (total + 2) / 3;  // shared * 3 >= total
  ++clock_;
  // Objects of one pipeline tend to come together: the template chosen
  // last is tried first, and taken when it will do.
  Slot* last = &last_slot(kind);
  if (last->shared && shared_bytes(*last->shared, a_third) >= a_third) {
    last->last_chosen = clock_;
    return last->shared;
  }
  Slot* best = nullptr;
  std::size_t best_shared = 0;
  for (Slot& slot : slots) {
    if (!slot.shared || &slot == last) continue;
    std::size_t shared = shared_bytes(*slot.shared, total);
    if (shared > best_shared) {
      best = &slot;
      best_shared = shared;
    }
  }
  if (best != nullptr && best_shared >= a_third) {
    best->last_chosen = clock_;
    return best->shared;
  }
  // Nothing alike: this record starts a template of its own, in place of
  // the one chosen longest ago. Records frozen against that one keep it.
  Slot* oldest = &slots[0];
  for (Slot& slot : slots) {
    if (slot.last_chosen < oldest->last_chosen) oldest = &slot;
  }
  TemplateRef fresh(new FrozenTemplate(strings));
  oldest->shared = fresh;
  oldest->last_chosen = clock_;
  return fresh;
}

FreezeTemplates::Slot& FreezeTemplates::last_slot(std::size_t kind) {
  auto& slots = slots_[kind];
  Slot* last = &slots[0];
  for (Slot& slot : slots) {
    if (slot.last_chosen > last->last_chosen) last = &slot;
  }
  return *last;
}

TemplateRef FreezeTemplates::last_chosen(std::size_t kind) const {
  return const_cast<FreezeTemplates*>(this)->last_slot(kind).shared;
}

bool FreezeTemplates::take_last(std::size_t kind, std::size_t shared_bytes, std::size_t total_bytes) {
  // choose()'s test for its first candidate, on the same sums.
  if (total_bytes == 0 || shared_bytes * 3 < total_bytes) return false;
  Slot& last = last_slot(kind);
  if (!last.shared) return false;
  last.last_chosen = ++clock_;
  return true;
}

FrozenRecord::FrozenRecord(const ResourceRecord& record) { freeze(record, nullptr); }

FrozenRecord::FrozenRecord(const ResourceRecord& record, FreezeTemplates& templates) { freeze(record, &templates); }

void FrozenRecord::freeze(const ResourceRecord& record, FreezeTemplates* templates) {
  // Per-thread scratch: freezing then allocates only the frozen bytes.
  thread_local std::string scratch;
  thread_local std::vector<std::string_view> strings;
  auto write = [&record](const FrozenTemplate* shared) {
    scratch.clear();
    Writer writer(scratch, shared);
    std::visit([&writer](const auto& r) { writer.put(r); }, record);
    writer.finish();
    return writer;
  };
  bool written = false;
  if (templates != nullptr) {
    // Written first against the template chosen last, which is what
    // choose() nearly always picks: when it will do, the record is frozen
    // in one pass over its strings instead of three.
    if (TemplateRef last = templates->last_chosen(record.index())) {
      const Writer measured = write(last.get());
      if (templates->take_last(record.index(), measured.shared_bytes(), measured.total_bytes())) {
        template_ = std::move(last);
        written = true;
      }
    }
    if (!written) {
      strings.clear();
      auto collect = [](const std::string& s) { strings.emplace_back(s); };
      std::visit([&collect](const auto& r) { each_string(r, collect); }, record);
      template_ = templates->choose(record.index(), strings);
    }
  }
  if (!written) write(template_.get());
  // The size goes in front, counting itself.
  std::size_t size_bytes = 1;
  while (varint::size_of(1 + size_bytes + scratch.size()) > size_bytes) ++size_bytes;
  const std::size_t total = 1 + size_bytes + scratch.size();
  thread_local std::string header;
  header.assign(1, static_cast<char>(record.index()));
  varint::put(header, std::uint64_t{total});
  bytes_ = std::make_unique_for_overwrite<std::uint8_t[]>(total);
  std::memcpy(bytes_.get(), header.data(), header.size());
  std::memcpy(bytes_.get() + header.size(), scratch.data(), scratch.size());
}

std::size_t FrozenRecord::size() const {
  if (empty()) return 0;
  const std::uint8_t* at = bytes_.get() + 1;
  return varint::get<std::size_t>(at);
}

ResourceRecord FrozenRecord::thaw(bool metadata_only) const {
  if (empty()) return {};
  const std::uint8_t* at = bytes_.get() + 1;
  varint::get(at);  // the size
  Reader reader(at, template_.get());
  return thaw_kind(index(), reader, metadata_only);
}

ResourceRecord FrozenRecord::thaw() const { return thaw(false); }

ResourceRecord FrozenRecord::thaw_metadata() const { return thaw(true); }

}  // namespace pipetrace
