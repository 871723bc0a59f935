// JSON forms of a span's attributes, events and links, as the store keeps
// them (one JSON text per column) and as the JSON API returns them.
// Attributes are an object {key: value} in the span's order, with JSON types
// following the attribute's type; times are integer nanoseconds.
#pragma once

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/span.h"

namespace pipetrace {

nlohmann::ordered_json attributes_to_json(const std::vector<Attribute>& attributes);
// Lenient: values of other JSON types (arrays, objects, null) become their JSON text.
std::vector<Attribute> attributes_from_json(const nlohmann::ordered_json& object);

nlohmann::ordered_json events_to_json(const std::vector<SpanEvent>& events);
std::vector<SpanEvent> events_from_json(const nlohmann::ordered_json& array);

nlohmann::ordered_json links_to_json(const std::vector<SpanLink>& links);
std::vector<SpanLink> links_from_json(const nlohmann::ordered_json& array);

// Parses stored JSON text; a damaged value yields `fallback` rather than an exception.
nlohmann::ordered_json parse_stored_json(std::string_view text, nlohmann::ordered_json fallback);

}  // namespace pipetrace
