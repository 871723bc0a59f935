// A reference to a record of any kind, whether it sits in a ResourceRecord
// or on its own: the span builders and the record questions of
// record_view.h read records through it.
#pragma once

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

}  // namespace pipetrace
