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

// The same for a field or element an iteration yields, read where the
// iterator built it rather than moved out: GCC copies a moved value with
// one 16-byte load of bytes it has just stored as 8 and 4, which the core
// cannot forward from its store buffer. That stall, on every field, was a
// fifth of the walks' own time.
template <class T>
T& take_in_place(simdjson::simdjson_result<T>& result) {
  throw_if_error(result.error());
  return result.value_unsafe();
}

// Strings as written; numbers and booleans as their JSON text (a build
// number may arrive unquoted); null, objects and arrays leave `out` empty.
void read_string(od::value& value, std::string& out);
std::string as_string(od::value& value);

// The same text as read_string, without a copy: it points into the parser's
// buffers (or the input) and stays valid until the parser reads the next
// document. Lets a caller count or pick before it allocates.
std::string_view as_text(od::value& value);

// A field's key as written between its quotes, not unescaped. A key with an
// escape ("na\u006de") keeps its backslash and so equals none of the plain
// names the extractors look for, exactly as raw_json_string's `key == "name"`
// behaves; comparing views lets a chain of names fail on length alone.
inline std::string_view raw_key(od::raw_json_string key) {
  const char* begin = key.raw();
  const char* end = begin;
  while (*end != '"') ++end;  // a key token always ends with its closing quote
  return {begin, static_cast<std::size_t>(end - begin)};
}

// RFC 3339 text via parse_time; anything else (null, a number) is 0.
TimeNs as_time(od::value& value);

// A JSON integer, a float (truncated) or a decimal string.
std::optional<std::int64_t> as_int(od::value& value);

// true/false, or the strings "true"/"false".
bool as_bool(od::value& value);

// The walks below take their callback through these small references and
// run in one out-of-line function each. The iteration code is large (the
// on-demand iterator inlines deeply) and was copied into every caller's
// lambda: dozens of copies, one per field list of every kind, that evicted
// one another from the instruction cache on every event. One shared copy
// stays hot; the price is an indirect call per field.
struct FieldVisitor {
  void* target;
  bool (*call)(void* target, std::string_view key, od::value& value);
};
struct ElementVisitor {
  void* target;
  void (*call)(void* target, od::value& element);
};

bool visit_fields(od::object& object, FieldVisitor visitor);
bool visit_fields(od::value& value, FieldVisitor visitor);
bool visit_entries(od::value& value, FieldVisitor visitor);
bool visit_elements(od::value& value, ElementVisitor visitor);

template <class Fn>
void* visitor_target(Fn& fn) {
  return const_cast<void*>(static_cast<const void*>(&fn));
}

template <class Fn>
FieldVisitor field_visitor(Fn& fn) {
  auto call = [](void* target, std::string_view key, od::value& value) {
    Fn& f = *static_cast<Fn*>(target);
    if constexpr (std::is_same_v<decltype(f(key, value)), bool>) {
      return f(key, value);
    } else {
      f(key, value);
      return true;
    }
  };
  return FieldVisitor{visitor_target(fn), call};
}

// Calls fn(raw key, value) for each field, the key as raw_key gives it
// (compared with `key == "name"`, not unescaped). Returns false (and reads
// nothing) when the value is not an object. A callback that returns bool
// stops the walk by returning false: the rest of the object is then skipped
// in one go by the enclosing iteration, which is cheaper than visiting each
// field.
template <class Fn>
bool for_each_field(od::object& object, Fn&& fn) {
  return visit_fields(object, field_visitor(fn));
}

template <class Fn>
bool for_each_field(od::value& value, Fn&& fn) {
  return visit_fields(value, field_visitor(fn));
}

// Like for_each_field, for maps whose keys are data (labels, the v1beta1
// status.taskRuns map): fn(unescaped key, value).
template <class Fn>
bool for_each_entry(od::value& value, Fn&& fn) {
  return visit_entries(value, field_visitor(fn));
}

// Calls fn(element) for each element; false when the value is not an array.
template <class Fn>
bool for_each_element(od::value& value, Fn&& fn) {
  auto call = [](void* target, od::value& element) { (*static_cast<std::remove_reference_t<Fn>*>(target))(element); };
  return visit_elements(value, ElementVisitor{visitor_target(fn), call});
}

}  // namespace pipetrace::json
