// Lenient scalar readers over simdjson on-demand values (see json_fields.h).
#include "extract/json_fields.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "model/time.h"

namespace pipetrace::json {
namespace {

std::string_view trim_trailing_space(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

od::json_type type_of(od::value& value) { return take(value.type()); }

}  // namespace

std::string_view as_text(od::value& value) {
  // Nearly every field read is a string: try that before asking the type.
  std::string_view text;
  simdjson::error_code error = value.get_string().get(text);
  if (error == simdjson::SUCCESS) return text;
  if (error != simdjson::INCORRECT_TYPE) throw simdjson::simdjson_error(error);
  switch (type_of(value)) {
    case od::json_type::number:
      return trim_trailing_space(value.raw_json_token());
    case od::json_type::boolean:
      return take(value.get_bool()) ? "true" : "false";
    default:
      return {};
  }
}

void read_string(od::value& value, std::string& out) { out.assign(as_text(value)); }

std::string as_string(od::value& value) {
  std::string out;
  read_string(value, out);
  return out;
}

TimeNs as_time(od::value& value) {
  std::string_view text;
  simdjson::error_code error = value.get_string().get(text);
  if (error == simdjson::INCORRECT_TYPE) return 0;  // null, a number...
  throw_if_error(error);
  return parse_time(text).value_or(0);
}

std::optional<std::int64_t> as_int(od::value& value) {
  switch (type_of(value)) {
    case od::json_type::number: {
      std::int64_t integer = 0;
      if (value.get_int64().get(integer) == simdjson::SUCCESS) return integer;
      double real = take(value.get_double());
      if (std::isnan(real)) return std::nullopt;
      // Out-of-range values saturate rather than wrap.
      if (real >= 9.2e18) return std::numeric_limits<std::int64_t>::max();
      if (real <= -9.2e18) return std::numeric_limits<std::int64_t>::min();
      return static_cast<std::int64_t>(real);
    }
    case od::json_type::string: {
      std::string_view text = take(value.get_string());
      std::int64_t integer = 0;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), integer);
      if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
      return integer;
    }
    default:
      return std::nullopt;
  }
}

bool as_bool(od::value& value) {
  switch (type_of(value)) {
    case od::json_type::boolean:
      return take(value.get_bool());
    case od::json_type::string:
      return take(value.get_string()) == "true";
    default:
      return false;
  }
}

namespace {

// Opens a value as the container a walk expects: false when it is another
// type (the walk then reads nothing), an exception when the JSON is broken.
template <typename Container>
bool open(simdjson::simdjson_result<Container>&& result, Container& out) {
  simdjson::error_code error = std::move(result).get(out);
  if (error == simdjson::INCORRECT_TYPE) return false;
  throw_if_error(error);
  return true;
}

}  // namespace

bool visit_fields(od::object& object, FieldVisitor visitor) {
  for (auto item : object) {
    od::field& field = take_in_place(item);
    if (!visitor.call(visitor.target, raw_key(field.key()), field.value())) break;
  }
  return true;
}

bool visit_fields(od::value& value, FieldVisitor visitor) {
  od::object object;
  if (!open(value.get_object(), object)) return false;
  return visit_fields(object, visitor);
}

bool visit_entries(od::value& value, FieldVisitor visitor) {
  od::object object;
  if (!open(value.get_object(), object)) return false;
  for (auto item : object) {
    od::field& field = take_in_place(item);
    std::string_view key = take(field.unescaped_key());
    visitor.call(visitor.target, key, field.value());
  }
  return true;
}

bool visit_elements(od::value& value, ElementVisitor visitor) {
  od::array array;
  if (!open(value.get_array(), array)) return false;
  for (auto item : array) {
    visitor.call(visitor.target, take_in_place(item));
  }
  return true;
}

}  // namespace pipetrace::json
