// Records of any kind, however they are stored. The tracer holds each
// in-flight resource's record in an allocation the size of its own kind
// (HeldRecord) rather than of the largest kind (ResourceRecord), and asks the
// same questions of it as of an observed record, through a RecordRef.
#pragma once

#include <memory>
#include <type_traits>
#include <variant>

#include "extract/records.h"

namespace pipetrace {

namespace record_ref_detail {
template <typename Variant>
struct Forms;
template <typename... T>
struct Forms<std::variant<T...>> {
  using Pointer = std::variant<const T*...>;
  using Owner = std::variant<std::unique_ptr<T>...>;
};
}  // namespace record_ref_detail

// A non-owning reference to a record of one of ResourceRecord's kinds.
class RecordRef {
 public:
  using Pointer = record_ref_detail::Forms<ResourceRecord>::Pointer;

  RecordRef(const ResourceRecord& record)  // NOLINT: implicit, like the ResourceRecord it stands for
      : ptr_(std::visit([](const auto& r) -> Pointer { return &r; }, record)) {}
  template <typename T>
    requires std::is_constructible_v<Pointer, const T*>
  RecordRef(const T& record) : ptr_(&record) {}  // NOLINT: implicit from any record kind
  explicit RecordRef(Pointer ptr) : ptr_(ptr) {}

  // Calls f with the record of its own kind.
  template <typename F>
  decltype(auto) visit(F&& f) const {
    return std::visit([&](const auto* r) -> decltype(auto) { return f(*r); }, ptr_);
  }
  template <typename T>
  const T* get_if() const {
    const auto* p = std::get_if<const T*>(&ptr_);
    return p != nullptr ? *p : nullptr;
  }

 private:
  Pointer ptr_;
};

// An owned record, allocated at the size of its own kind. Always holds one
// once hold() was called; the tracer calls it when it creates a node.
class HeldRecord {
 public:
  void hold(const ResourceRecord& record) {
    owner_ = std::visit(
        [](const auto& r) -> Owner { return std::make_unique<std::decay_t<decltype(r)>>(r); }, record);
  }
  // Takes the record's contents (its strings and vectors) without copying.
  void hold(ResourceRecord&& record) {
    owner_ = std::visit(
        [](auto&& r) -> Owner { return std::make_unique<std::decay_t<decltype(r)>>(std::move(r)); },
        std::move(record));
  }
  RecordRef ref() const {
    return RecordRef(std::visit([](const auto& p) -> RecordRef::Pointer { return p.get(); }, owner_));
  }
  operator RecordRef() const { return ref(); }  // NOLINT: read wherever a record is read
  template <typename T>
  const T* get_if() const {
    return ref().get_if<T>();
  }
  // Calls f with the record of its own kind, for the tracer's trimming.
  template <typename F>
  void visit_mutable(F&& f) {
    std::visit([&](auto& p) { f(*p); }, owner_);
  }

 private:
  using Owner = record_ref_detail::Forms<ResourceRecord>::Owner;
  Owner owner_;
};

}  // namespace pipetrace
