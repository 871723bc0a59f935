// Conversions between the span model and the store's JSON columns.
#include "store/span_json.h"

namespace pipetrace {
namespace {

nlohmann::ordered_json value_to_json(const AttributeValue& value) {
  return std::visit([](const auto& v) { return nlohmann::ordered_json(v); }, value);
}

AttributeValue value_from_json(const nlohmann::ordered_json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number_integer()) return value.get<std::int64_t>();
  if (value.is_number_float()) return value.get<double>();
  return value.dump();
}

std::string string_field(const nlohmann::ordered_json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

nlohmann::ordered_json attributes_to_json(const std::vector<Attribute>& attributes) {
  auto object = nlohmann::ordered_json::object();
  for (const auto& a : attributes) object[a.key] = value_to_json(a.value);
  return object;
}

std::vector<Attribute> attributes_from_json(const nlohmann::ordered_json& object) {
  std::vector<Attribute> out;
  if (!object.is_object()) return out;
  out.reserve(object.size());
  for (const auto& [key, value] : object.items()) out.push_back({key, value_from_json(value)});
  return out;
}

nlohmann::ordered_json events_to_json(const std::vector<SpanEvent>& events) {
  auto array = nlohmann::ordered_json::array();
  for (const auto& e : events) {
    array.push_back({{"time", e.time}, {"name", e.name}, {"attributes", attributes_to_json(e.attributes)}});
  }
  return array;
}

std::vector<SpanEvent> events_from_json(const nlohmann::ordered_json& array) {
  std::vector<SpanEvent> out;
  if (!array.is_array()) return out;
  for (const auto& e : array) {
    if (!e.is_object()) continue;
    SpanEvent event;
    if (auto t = e.find("time"); t != e.end() && t->is_number_integer()) event.time = t->get<TimeNs>();
    event.name = string_field(e, "name");
    if (auto a = e.find("attributes"); a != e.end()) event.attributes = attributes_from_json(*a);
    out.push_back(std::move(event));
  }
  return out;
}

nlohmann::ordered_json links_to_json(const std::vector<SpanLink>& links) {
  auto array = nlohmann::ordered_json::array();
  for (const auto& l : links) {
    array.push_back({{"traceId", l.trace_id.hex()},
                     {"spanId", l.span_id.empty() ? std::string() : l.span_id.hex()},
                     {"traceState", l.trace_state},
                     {"attributes", attributes_to_json(l.attributes)}});
  }
  return array;
}

std::vector<SpanLink> links_from_json(const nlohmann::ordered_json& array) {
  std::vector<SpanLink> out;
  if (!array.is_array()) return out;
  for (const auto& l : array) {
    if (!l.is_object()) continue;
    SpanLink link;
    parse_hex(string_field(l, "traceId"), link.trace_id);
    parse_hex(string_field(l, "spanId"), link.span_id);
    link.trace_state = string_field(l, "traceState");
    if (auto a = l.find("attributes"); a != l.end()) link.attributes = attributes_from_json(*a);
    out.push_back(std::move(link));
  }
  return out;
}

nlohmann::ordered_json parse_stored_json(std::string_view text, nlohmann::ordered_json fallback) {
  auto parsed = nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? fallback : parsed;
}

}  // namespace pipetrace
