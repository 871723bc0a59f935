// Lookups over a parsed webhook body; see webhook_fields.h.
#include "extract/webhook_fields.h"

#include <cmath>

#include "model/time.h"

namespace pipetrace::webhook_fields {

std::optional<Element> at(Element root, std::initializer_list<std::string_view> path) {
  Element current = root;
  for (std::string_view key : path) {
    simdjson::dom::object object;
    if (current.get_object().get(object) != simdjson::SUCCESS) return std::nullopt;
    Element next;
    if (object.at_key(key).get(next) != simdjson::SUCCESS &&
        object.at_key_case_insensitive(key).get(next) != simdjson::SUCCESS) {
      return std::nullopt;
    }
    if (next.is_null()) return std::nullopt;
    current = next;
  }
  return current;
}

bool has(Element root, std::initializer_list<std::string_view> path) { return at(root, path).has_value(); }

std::string text(Element root, std::initializer_list<std::string_view> path) {
  auto value = at(root, path);
  if (!value) return {};
  switch (value->type()) {
    case simdjson::dom::element_type::STRING:
      return std::string(value->get_string().value_unsafe());
    case simdjson::dom::element_type::INT64:
      return std::to_string(value->get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64:
      return std::to_string(value->get_uint64().value_unsafe());
    case simdjson::dom::element_type::DOUBLE: {
      // Some producers write integral IDs as 1.0; print them as integers.
      double d = value->get_double().value_unsafe();
      if (std::floor(d) == d && std::fabs(d) < 9.0e15) return std::to_string(static_cast<long long>(d));
      return std::to_string(d);
    }
    case simdjson::dom::element_type::BOOL:
      return value->get_bool().value_unsafe() ? "true" : "false";
    default:
      return {};
  }
}

bool flag(Element root, std::initializer_list<std::string_view> path) {
  auto value = at(root, path);
  if (!value) return false;
  if (value->is_bool()) return value->get_bool().value_unsafe();
  if (value->is_string()) return value->get_string().value_unsafe() == "true";
  return false;
}

TimeNs time(Element root, std::initializer_list<std::string_view> path) {
  std::string s = text(root, path);
  if (s.empty()) return 0;
  return parse_time(s).value_or(0);
}

std::optional<Element> first(Element root, std::initializer_list<std::string_view> path) {
  auto value = at(root, path);
  simdjson::dom::array array;
  if (!value || value->get_array().get(array) != simdjson::SUCCESS || array.size() == 0) return std::nullopt;
  return array.at(0).value_unsafe();
}

std::optional<Element> last(Element root, std::initializer_list<std::string_view> path) {
  auto value = at(root, path);
  simdjson::dom::array array;
  if (!value || value->get_array().get(array) != simdjson::SUCCESS || array.size() == 0) return std::nullopt;
  return array.at(array.size() - 1).value_unsafe();
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

bool is_full_sha(std::string_view s) {
  if (s.size() != 40) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace pipetrace::webhook_fields
