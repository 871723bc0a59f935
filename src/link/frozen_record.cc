// The frozen form (see frozen_record.h): byte 0 is the kind, then each
// member in the order members() lists it. A string is a varint n: 0 for the
// template's string in the same place (strings counted in writing order),
// else n - 1 bytes of its own. Vectors are a varint count and their
// elements, integers and times zigzag varints, bools and optionals' presence
// one byte. Only this file writes and reads the form, so the reader trusts
// the bytes.
#include "link/frozen_record.h"

#include <cstring>
#include <optional>
#include <string_view>
#include <utility>

#include "link/record_members.h"

namespace pipetrace {
namespace {

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

class Writer {
 public:
  Writer(std::string& out, const FrozenTemplate* shared) : out_(out), shared_(shared) {}

  void varint(std::uint64_t v) {
    char bytes[10];
    std::size_t n = 0;
    while (v >= 0x80) {
      bytes[n++] = static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    bytes[n++] = static_cast<char>(v);
    out_.append(bytes, n);
  }

  template <typename T>
  void put(const T& v) {
    if constexpr (std::is_same_v<T, std::string>) {
      const std::size_t ordinal = strings_++;
      if (!v.empty() && shared_ != nullptr && ordinal < shared_->size() && (*shared_)[ordinal] == v) {
        varint(0);
      } else {
        varint(v.size() + 1);
        out_.append(v);
      }
    } else if constexpr (std::is_same_v<T, bool>) {
      out_ += static_cast<char>(v ? 1 : 0);
    } else if constexpr (std::is_integral_v<T>) {
      const auto s = static_cast<std::int64_t>(v);
      varint((static_cast<std::uint64_t>(s) << 1) ^ static_cast<std::uint64_t>(s >> 63));
    } else if constexpr (IsOptional<T>::value) {
      put(v.has_value());
      if (v) put(*v);
    } else if constexpr (IsVector<T>::value) {
      varint(v.size());
      for (const auto& element : v) put(element);
    } else if constexpr (IsPair<T>::value) {
      put(v.first);
      put(v.second);
    } else {
      std::apply([this](const auto&... member) { (put(member), ...); }, members(v));
    }
  }

 private:
  std::string& out_;
  const FrozenTemplate* shared_;
  std::size_t strings_ = 0;
};

class Reader {
 public:
  Reader(const std::uint8_t* at, const FrozenTemplate* shared) : at_(at), shared_(shared) {}

  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      std::uint8_t byte = *at_++;
      v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return v;
    }
  }

  template <typename T>
  void take(T& v) {
    if constexpr (std::is_same_v<T, std::string>) {
      const std::size_t ordinal = strings_++;
      const auto n = static_cast<std::size_t>(varint());
      if (n == 0) {
        v = (*shared_)[ordinal];
      } else {
        v.assign(reinterpret_cast<const char*>(at_), n - 1);
        at_ += n - 1;
      }
    } else if constexpr (std::is_same_v<T, bool>) {
      v = *at_++ != 0;
    } else if constexpr (std::is_integral_v<T>) {
      const std::uint64_t z = varint();
      v = static_cast<T>(static_cast<std::int64_t>(z >> 1) ^ -static_cast<std::int64_t>(z & 1));
    } else if constexpr (IsOptional<T>::value) {
      bool present = false;
      take(present);
      if (present) take(v.emplace());
    } else if constexpr (IsVector<T>::value) {
      v.resize(static_cast<std::size_t>(varint()));
      for (auto& element : v) take(element);
    } else if constexpr (IsPair<T>::value) {
      take(v.first);
      take(v.second);
    } else {
      std::apply([this](auto&... member) { (take(member), ...); }, members(v));
    }
  }

 private:
  const std::uint8_t* at_;
  const FrozenTemplate* shared_;
  std::size_t strings_ = 0;
};

template <std::size_t I = 0>
ResourceRecord thaw_kind(std::size_t index, Reader& reader) {
  if constexpr (I < std::variant_size_v<ResourceRecord>) {
    if (index != I) return thaw_kind<I + 1>(index, reader);
    ResourceRecord record(std::in_place_index<I>);
    reader.take(std::get<I>(record));
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

std::shared_ptr<const FrozenTemplate> FreezeTemplates::choose(std::size_t kind,
                                                              const std::vector<std::string_view>& strings) {
  std::size_t total = 0;
  for (std::string_view s : strings) total += s.size();
  if (total == 0) return nullptr;
  auto& slots = slots_[kind];
  auto shared_bytes = [&strings](const FrozenTemplate& candidate) {
    std::size_t shared = 0;
    for (std::size_t i = 0; i < strings.size() && i < candidate.size(); ++i) {
      if (strings[i] == candidate[i]) shared += strings[i].size();
    }
    return shared;
  };
  ++clock_;
  // Objects of one pipeline tend to come together: the template chosen
  // last is tried first, and taken when it will do.
  Slot* last = &slots[0];
  for (Slot& slot : slots) {
    if (slot.last_chosen > last->last_chosen) last = &slot;
  }
  if (last->shared && shared_bytes(*last->shared) * 3 >= total) {
    last->last_chosen = clock_;
    return last->shared;
  }
  Slot* best = nullptr;
  std::size_t best_shared = 0;
  for (Slot& slot : slots) {
    if (!slot.shared || &slot == last) continue;
    std::size_t shared = shared_bytes(*slot.shared);
    if (shared > best_shared) {
      best = &slot;
      best_shared = shared;
    }
  }
  if (best != nullptr && best_shared * 3 >= total) {
    best->last_chosen = clock_;
    return best->shared;
  }
  // Nothing alike: this record starts a template of its own, in place of
  // the one chosen longest ago. Records frozen against that one keep it.
  Slot* oldest = &slots[0];
  for (Slot& slot : slots) {
    if (slot.last_chosen < oldest->last_chosen) oldest = &slot;
  }
  auto fresh = std::make_shared<const FrozenTemplate>(strings);
  oldest->shared = fresh;
  oldest->last_chosen = clock_;
  return fresh;
}

FrozenRecord::FrozenRecord(const ResourceRecord& record) { freeze(record, nullptr); }

FrozenRecord::FrozenRecord(const ResourceRecord& record, FreezeTemplates& templates) { freeze(record, &templates); }

void FrozenRecord::freeze(const ResourceRecord& record, FreezeTemplates* templates) {
  // Per-thread scratch: freezing then allocates only the frozen bytes.
  thread_local std::string scratch;
  thread_local std::vector<std::string_view> strings;
  if (templates != nullptr) {
    strings.clear();
    auto collect = [](const std::string& s) { strings.emplace_back(s); };
    std::visit([&collect](const auto& r) { each_string(r, collect); }, record);
    template_ = templates->choose(record.index(), strings);
  }
  scratch.clear();
  scratch += static_cast<char>(record.index());
  Writer writer(scratch, template_.get());
  std::visit([&writer](const auto& r) { writer.put(r); }, record);
  size_ = static_cast<std::uint32_t>(scratch.size());
  bytes_ = std::make_unique_for_overwrite<std::uint8_t[]>(scratch.size());
  std::memcpy(bytes_.get(), scratch.data(), scratch.size());
}

ResourceRecord FrozenRecord::thaw() const {
  if (empty()) return {};
  Reader reader(bytes_.get() + 1, template_.get());
  return thaw_kind(index(), reader);
}

}  // namespace pipetrace
