// The result type of store operations that can fail at the edges (opening a
// file, a query against a damaged database): a value or a message that names
// what failed, never an exception.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace pipetrace {

template <class T>
class StoreResult {
 public:
  StoreResult(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  static StoreResult failure(std::string message) {
    StoreResult r;
    r.error_ = std::move(message);
    return r;
  }

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  const std::string& error() const { return error_; }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

 private:
  StoreResult() = default;
  std::optional<T> value_;
  std::string error_;
};

// For operations that return nothing but may fail: an empty message means success.
struct StoreStatus {
  std::string error;
  bool ok() const { return error.empty(); }
  explicit operator bool() const { return ok(); }
};

}  // namespace pipetrace
