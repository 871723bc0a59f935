// One JSON unit of a recording; see json_unit_reader.h.
#include "sources/json_unit_reader.h"

#include <algorithm>
#include <optional>
#include <string>

#include "sources/event_line_reader.h"
#include "sources/kind_hint.h"

namespace pipetrace {
namespace {

namespace od = simdjson::ondemand;

std::string json_problem(simdjson::error_code error) {
  return std::string("malformed JSON (") + simdjson::error_message(error) + ")";
}

// What a root object says about itself before it is read for real.
struct RootShape {
  std::string kind;
  bool has_items_array = false;
};

// Nullopt, with `error` set, when looking finds the text is not JSON after
// all ({"type":"x","a"b}): simdjson then gives the iterator up, and it
// must not be rewound.
std::optional<RootShape> peek_shape(od::document& doc, simdjson::error_code& error) {
  RootShape shape;
  std::string_view kind;
  error = doc.find_field_unordered("kind").get_string().get(kind);
  if (error == simdjson::SUCCESS) shape.kind = kind;
  if (!doc.is_alive()) return std::nullopt;
  doc.rewind();
  od::json_type type;
  error = doc.find_field_unordered("items").type().get(type);
  shape.has_items_array = error == simdjson::SUCCESS && type == od::json_type::array;
  if (!doc.is_alive()) return std::nullopt;
  doc.rewind();
  error = simdjson::SUCCESS;
  return shape;
}

bool is_list(const RootShape& shape) {
  if (!shape.has_items_array) return false;
  // Some dumps drop the List's kind but keep its items.
  return shape.kind.empty() || shape.kind == "List" || shape.kind.ends_with("List");
}

}  // namespace

JsonUnitReader::JsonUnitReader(ReadContext& context) : context_(context) {}

void JsonUnitReader::read(std::string_view text, std::size_t capacity, std::size_t line) {
  read_at_depth(text, capacity, line, 0, context_.file_kind_hint());
}

void JsonUnitReader::read_at_depth(std::string_view text, std::size_t capacity, std::size_t line, int depth,
                                   std::string_view kind_hint) {
  if (depth >= kMaxDepth) {
    context_.problem(line, "Lists nested too deeply; skipped");
    return;
  }
  try {
    od::document doc;
    if (auto error = parsers_[depth].iterate(simdjson::padded_string_view(text.data(), text.size(), capacity)).get(doc);
        error != simdjson::SUCCESS) {
      context_.problem(line, json_problem(error));
      return;
    }
    od::json_type type;
    if (auto error = doc.type().get(type); error != simdjson::SUCCESS) {
      context_.problem(line, json_problem(error));
      return;
    }
    if (type == od::json_type::array) {
      od::array items;
      if (auto error = doc.get_array().get(items); error != simdjson::SUCCESS) {
        context_.problem(line, json_problem(error));
        return;
      }
      read_items(items, text, capacity, line, depth, kind_hint);
      return;
    }
    if (type != od::json_type::object) {
      context_.problem(line, "neither a JSON object nor an array");
      return;
    }
    if (read_event_line(doc, line, context_) == EventLineOutcome::Handled) return;

    simdjson::error_code peek_error = simdjson::SUCCESS;
    const std::optional<RootShape> peeked = peek_shape(doc, peek_error);
    if (!peeked) {
      context_.problem(line, json_problem(peek_error));
      return;
    }
    const RootShape& shape = *peeked;
    if (is_list(shape)) {
      std::string_view item_kind = item_kind_of_list(shape.kind);
      std::string item_hint(item_kind.empty() ? kind_hint : item_kind);
      od::array items;
      if (auto error = doc.find_field_unordered("items").get_array().get(items); error != simdjson::SUCCESS) {
        context_.problem(line, json_problem(error));
        return;
      }
      read_items(items, text, capacity, line, depth, item_hint);
      return;
    }
    od::value root;
    if (auto error = doc.get_value().get(root); error != simdjson::SUCCESS) {
      context_.problem(line, json_problem(error));
      return;
    }
    // A dump states no watch type: its objects were there, i.e. ADDED, at an unknown time.
    context_.take(guarded_extract([&] { return extract_object(root, kind_hint); }), WatchType::Added, 0, line);
  } catch (const simdjson::simdjson_error& e) {
    // Only our own walking gets here: the extractors' throws are guarded.
    context_.problem(line, std::string("malformed JSON (") + e.what() + ")");
  }
}

void JsonUnitReader::read_items(od::array items, std::string_view text, std::size_t capacity, std::size_t line,
                                int depth, std::string_view kind_hint) {
  // Items are reported at the line where each starts; counted forward from
  // the previous item so that a long List is walked once.
  const char* counted_to = text.data();
  std::size_t item_line = line;
  std::size_t index = 0;
  for (auto element : items) {
    od::object item;
    if (auto error = element.get_object().get(item); error != simdjson::SUCCESS) {
      if (error == simdjson::INCORRECT_TYPE) {
        context_.problem(item_line, "item " + std::to_string(index) + " is not a JSON object");
        ++index;
        continue;
      }
      context_.problem(item_line, json_problem(error));
      return;
    }
    std::string_view raw;
    if (auto error = item.raw_json().get(raw); error != simdjson::SUCCESS) {
      context_.problem(item_line, "item " + std::to_string(index) + ": " + json_problem(error));
      return;
    }
    item_line += static_cast<std::size_t>(std::count(counted_to, raw.data(), '\n'));
    counted_to = raw.data();
    std::size_t offset = static_cast<std::size_t>(raw.data() - text.data());
    read_at_depth(raw, capacity - offset, item_line, depth + 1, kind_hint);
    ++index;
  }
}

}  // namespace pipetrace
