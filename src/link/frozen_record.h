// A record as the tracer keeps it while its resource is in flight: every
// field written one after another into one allocation, instead of a struct
// of std::strings and vectors with a heap block each (an empty std::string
// alone takes 32 bytes, a pod's six container entries 1.5 KB before any
// text). The tracer thaws it back into a record only when it links the
// resource or builds its spans.
//
// Runs of one pipeline produce objects that differ in little but names,
// uids and times: the same images, containers, steps, namespace, labels and
// repository in every run. So a string equal to the one in the same place
// of an earlier record of its kind (a template, shared by every record
// frozen against it) is written as a reference to that one.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "extract/records.h"

namespace pipetrace {

// The strings of one record, in the order the frozen form writes them, in
// one buffer.
class FrozenTemplate {
 public:
  explicit FrozenTemplate(const std::vector<std::string_view>& strings);
  std::size_t size() const { return ends_.size(); }
  std::string_view operator[](std::size_t i) const {
    const std::uint32_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(text_).substr(begin, ends_[i] - begin);
  }

 private:
  friend class TemplateRef;
  std::string text_;
  std::vector<std::uint32_t> ends_;
  std::uint32_t holders_ = 0;
};

// A counted hold on a template, which goes when its last holder does: the
// records frozen against it and the slot that offers it to new records.
// Half the size of a shared_ptr, and not thread-safe: a tracer's records and
// templates are only touched from its thread.
class TemplateRef {
 public:
  TemplateRef() = default;
  explicit TemplateRef(FrozenTemplate* fresh) : held_(fresh) { hold(); }
  TemplateRef(const TemplateRef& other) : held_(other.held_) { hold(); }
  TemplateRef(TemplateRef&& other) noexcept : held_(std::exchange(other.held_, nullptr)) {}
  TemplateRef& operator=(TemplateRef other) noexcept {
    std::swap(held_, other.held_);
    return *this;
  }
  ~TemplateRef() {
    if (held_ != nullptr && --held_->holders_ == 0) delete held_;
  }
  const FrozenTemplate* get() const { return held_; }
  explicit operator bool() const { return held_ != nullptr; }
  const FrozenTemplate& operator*() const { return *held_; }

 private:
  void hold() {
    if (held_ != nullptr) ++held_->holders_;
  }
  FrozenTemplate* held_ = nullptr;
};

// The templates records are frozen against: a few per kind, so that the
// objects of several pipelines interleaving in a cluster each find theirs.
class FreezeTemplates {
 public:
  static constexpr std::size_t kPerKind = 4;
  // The template that shares most of `strings`; when none shares a third
  // of their bytes, `strings` become a template of their kind. Empty
  // when there are no strings.
  TemplateRef choose(std::size_t kind, const std::vector<std::string_view>& strings);
  // The template chosen last for `kind`, which choose() tries first (empty
  // when there is none)...
  TemplateRef last_chosen(std::size_t kind) const;
  // ... and takes when it shares a third of the record's string bytes: a
  // caller that measured that while writing against it takes it here, as
  // choose() would have.
  bool take_last(std::size_t kind, std::size_t shared_bytes, std::size_t total_bytes);

 private:
  struct Slot {
    TemplateRef shared;
    std::uint64_t last_chosen = 0;
  };
  Slot& last_slot(std::size_t kind);
  std::array<std::array<Slot, kPerKind>, std::variant_size_v<ResourceRecord>> slots_;
  std::uint64_t clock_ = 0;
};

class FrozenRecord {
 public:
  FrozenRecord() = default;
  // Without templates: every string is written out.
  explicit FrozenRecord(const ResourceRecord& record);
  FrozenRecord(const ResourceRecord& record, FreezeTemplates& templates);

  bool empty() const { return bytes_ == nullptr; }
  // The record's kind, as its index in ResourceRecord (not to be asked of an
  // empty one).
  std::size_t index() const { return bytes_[0]; }
  template <typename T>
  bool holds() const {
    return !empty() && index() == index_of<T>(static_cast<ResourceRecord*>(nullptr));
  }
  // The record as it was frozen.
  ResourceRecord thaw() const;
  // The record with its metadata only, the rest left empty (whole, for a
  // kind without metadata): what the linker reads of it, for a fraction
  // of a whole thaw.
  ResourceRecord thaw_metadata() const;
  // Bytes of its own allocation (a shared template not counted).
  std::size_t size() const;

 private:
  ResourceRecord thaw(bool metadata_only) const;
  template <typename T, typename... Kinds>
  static constexpr std::size_t index_of(std::variant<Kinds...>*) {
    std::size_t i = 0;
    (void)((std::is_same_v<T, Kinds> ? true : (++i, false)) || ...);
    return i;
  }
  void freeze(const ResourceRecord& record, FreezeTemplates* templates);

  // The kind, the varint size of the whole, then the fields.
  std::unique_ptr<std::uint8_t[]> bytes_;
  TemplateRef template_;
};

}  // namespace pipetrace
