// Lenient readers over simdjson on-demand values, shared by every extractor.
// A field of the wrong type reads as absent (empty string, 0, nullopt), so
// one odd field never costs the whole record; text that is not JSON at all
// throws simdjson::simdjson_error, which extract_object turns into an Error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <simdjson.h>

#include "model/span.h"

namespace pipetrace::json {

namespace od = simdjson::ondemand;

// Throws for any error; callers test for INCORRECT_TYPE themselves first.
inline void throw_if_error(simdjson::error_code error) {
  if (error != simdjson::SUCCESS) throw simdjson::simdjson_error(error);
}

template <class T>
T take(simdjson::simdjson_result<T>&& result) {
  T out;
  throw_if_error(std::move(result).get(out));
  return out;
}

// Strings as written; numbers and booleans as their JSON text (a build
// number may arrive unquoted); null, objects and arrays leave `out` empty.
void read_string(od::value& value, std::string& out);
std::string as_string(od::value& value);

// RFC 3339 text via parse_time; anything else (null, a number) is 0.
TimeNs as_time(od::value& value);

// A JSON integer, a float (truncated) or a decimal string.
std::optional<std::int64_t> as_int(od::value& value);

// true/false, or the strings "true"/"false".
bool as_bool(od::value& value);

// Calls fn(raw key, value) for each field; keys are compared with
// `key == "name"` without unescaping. Returns false (and reads nothing)
// when the value is not an object. A callback that returns bool stops the
// walk by returning false: the rest of the object is then skipped in one go
// by the enclosing iteration, which is cheaper than visiting each field.
template <class Fn>
bool for_each_field(od::object& object, Fn&& fn) {
  for (auto item : object) {
    od::field field = take(std::move(item));
    if constexpr (std::is_same_v<decltype(fn(field.key(), field.value())), bool>) {
      if (!fn(field.key(), field.value())) break;
    } else {
      fn(field.key(), field.value());
    }
  }
  return true;
}

template <class Fn>
bool for_each_field(od::value& value, Fn&& fn) {
  od::object object;
  simdjson::error_code error = value.get_object().get(object);
  if (error == simdjson::INCORRECT_TYPE) return false;
  throw_if_error(error);
  return for_each_field(object, fn);
}

// Like for_each_field, for maps whose keys are data (labels, the v1beta1
// status.taskRuns map): fn(unescaped key, value).
template <class Fn>
bool for_each_entry(od::value& value, Fn&& fn) {
  od::object object;
  simdjson::error_code error = value.get_object().get(object);
  if (error == simdjson::INCORRECT_TYPE) return false;
  throw_if_error(error);
  for (auto item : object) {
    od::field field = take(std::move(item));
    std::string_view key = take(field.unescaped_key());
    fn(key, field.value());
  }
  return true;
}

// Calls fn(element) for each element; false when the value is not an array.
template <class Fn>
bool for_each_element(od::value& value, Fn&& fn) {
  od::array array;
  simdjson::error_code error = value.get_array().get(array);
  if (error == simdjson::INCORRECT_TYPE) return false;
  throw_if_error(error);
  for (auto item : array) {
    od::value element = take(std::move(item));
    fn(element);
  }
  return true;
}

}  // namespace pipetrace::json
