// Watch line and list page reading with simdjson (see watch_event.h).
#include "kube/watch_event.h"

#include <simdjson.h>

#include <cctype>

namespace pipetrace::kube {
namespace {

namespace od = simdjson::ondemand;

void make_padded(std::string& text) {
  if (text.capacity() < text.size() + simdjson::SIMDJSON_PADDING) text.reserve(text.size() + simdjson::SIMDJSON_PADDING);
}

std::string string_or_number(od::value value) {
  std::string_view s;
  if (value.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  return {};
}

simdjson::error_code read_metadata(od::object meta, ObjectIdentity& out) {
  for (auto field : meta) {
    std::string_view key;
    if (auto e = field.unescaped_key().get(key); e) return e;
    od::value value;
    if (auto e = field.value().get(value); e) return e;
    if (key == "uid") out.uid = string_or_number(value);
    else if (key == "name") out.name = string_or_number(value);
    else if (key == "namespace") out.ns = string_or_number(value);
    else if (key == "resourceVersion") out.resource_version = string_or_number(value);
  }
  return simdjson::SUCCESS;
}

// Reads an object's metadata, and the Status fields when it is a Status.
simdjson::error_code read_object(od::object object, WatchEventHeader& out, bool& has_kind) {
  for (auto field : object) {
    std::string_view key;
    if (auto e = field.unescaped_key().get(key); e) return e;
    od::value value;
    if (auto e = field.value().get(value); e) return e;
    if (key == "kind") {
      has_kind = true;
    } else if (key == "metadata") {
      od::object meta;
      if (value.get_object().get(meta) == simdjson::SUCCESS) {
        if (auto e = read_metadata(meta, out.object); e) return e;
      }
    } else if (key == "code") {
      int64_t code = 0;
      if (value.get_int64().get(code) == simdjson::SUCCESS) out.status_code = static_cast<int>(code);
    } else if (key == "reason") {
      out.status_reason = string_or_number(value);
    } else if (key == "message") {
      out.status_message = string_or_number(value);
    }
  }
  return simdjson::SUCCESS;
}

}  // namespace

struct WatchEventParser::Parsers {
  od::parser events;
  od::parser lists;
  od::parser items;
};

WatchEventParser::WatchEventParser() : parsers_(std::make_unique<Parsers>()) {}
WatchEventParser::~WatchEventParser() = default;

bool WatchEventParser::parse_event(std::string_view line, WatchEventHeader& out, std::string& error) {
  out = WatchEventHeader{};
  buffer_.assign(line);
  make_padded(buffer_);
  od::document doc;
  od::object root;
  if (auto e = parsers_->events.iterate(buffer_).get(doc); e) {
    error = simdjson::error_message(e);
    return false;
  }
  if (auto e = doc.get_object().get(root); e) {
    error = std::string("not a JSON object: ") + simdjson::error_message(e);
    return false;
  }
  for (auto field : root) {
    std::string_view key;
    od::value value;
    if (auto e = field.unescaped_key().get(key); e) {
      error = simdjson::error_message(e);
      return false;
    }
    if (auto e = field.value().get(value); e) {
      error = simdjson::error_message(e);
      return false;
    }
    if (key == "type") {
      out.type = string_or_number(value);
    } else if (key == "object") {
      od::object object;
      if (value.get_object().get(object) != simdjson::SUCCESS) continue;
      bool has_kind = false;
      if (auto e = read_object(object, out, has_kind); e) {
        error = simdjson::error_message(e);
        return false;
      }
    }
  }
  if (out.type.empty()) {
    error = "the event has no \"type\"";
    return false;
  }
  return true;
}

bool WatchEventParser::parse_list(std::string& body, const ItemHandler& on_item, ListPage& page, std::string& error) {
  page = ListPage{};
  make_padded(body);
  od::document doc;
  od::object root;
  if (auto e = parsers_->lists.iterate(body).get(doc); e) {
    error = simdjson::error_message(e);
    return false;
  }
  if (auto e = doc.get_object().get(root); e) {
    error = std::string("the list is not a JSON object: ") + simdjson::error_message(e);
    return false;
  }
  for (auto field : root) {
    std::string_view key;
    od::value value;
    if (field.unescaped_key().get(key) || field.value().get(value)) {
      error = "the list is not valid JSON";
      return false;
    }
    if (key == "kind") {
      page.list_kind = string_or_number(value);
    } else if (key == "metadata") {
      od::object meta;
      if (value.get_object().get(meta)) continue;
      for (auto m : meta) {
        std::string_view mkey;
        od::value mvalue;
        if (m.unescaped_key().get(mkey) || m.value().get(mvalue)) {
          error = "the list metadata is not valid JSON";
          return false;
        }
        if (mkey == "resourceVersion") page.resource_version = string_or_number(mvalue);
        else if (mkey == "continue") page.continue_token = string_or_number(mvalue);
      }
    } else if (key == "items") {
      od::array items;
      if (value.get_array().get(items)) continue;  // "items": null
      for (auto element : items) {
        od::object item;
        std::string_view raw;
        if (element.get_object().get(item) || item.raw_json().get(raw)) {
          error = "a list item is not a JSON object";
          return false;
        }
        while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.back()))) raw.remove_suffix(1);
        // Re-read the item's own text for its metadata; the body's padding
        // past the item makes this safe without a copy.
        std::size_t offset = static_cast<std::size_t>(raw.data() - body.data());
        od::document item_doc;
        od::object item_object;
        WatchEventHeader header;
        bool has_kind = false;
        if (parsers_->items.iterate(raw.data(), raw.size(), body.capacity() - offset).get(item_doc) ||
            item_doc.get_object().get(item_object) || read_object(item_object, header, has_kind)) {
          error = "a list item is not valid JSON";
          return false;
        }
        ++page.items;
        on_item(raw, header.object, has_kind);
      }
    }
  }
  return true;
}

}  // namespace pipetrace::kube
