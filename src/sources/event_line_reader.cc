// One recorded event line; see event_line_reader.h and docs/recording-format.md.
#include "sources/event_line_reader.h"

#include <optional>
#include <string>

#include "extract/webhook_extractor.h"
#include "model/time.h"

namespace pipetrace {
namespace {

namespace od = simdjson::ondemand;

std::optional<WatchType> watch_type_of(std::string_view type) {
  if (type == "ADDED") return WatchType::Added;
  if (type == "MODIFIED") return WatchType::Modified;
  if (type == "DELETED") return WatchType::Deleted;
  if (type == "BOOKMARK") return WatchType::Bookmark;
  if (type == "ERROR") return WatchType::Error;
  if (type == "WEBHOOK") return WatchType::Webhook;
  return std::nullopt;
}

bool carries_object(WatchType type) {
  return type == WatchType::Added || type == WatchType::Modified || type == WatchType::Deleted;
}

// An ERROR event's object is a metav1.Status: say what the server said.
std::string describe_status(od::value value) {
  std::string out = "watch ERROR from the API server";
  od::object status;
  if (value.get_object().get(status) != simdjson::SUCCESS) return out;
  std::int64_t code = 0;
  std::string reason, message;
  for (auto field : status) {
    std::string_view key, text;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) break;
    if (key == "code") {
      if (field.value().get_int64().get(code) != simdjson::SUCCESS) code = 0;
    } else if (key == "reason") {
      if (field.value().get_string().get(text) == simdjson::SUCCESS) reason = text;
    } else if (key == "message") {
      if (field.value().get_string().get(text) == simdjson::SUCCESS) message = text;
    }
  }
  if (code != 0) out += ": Status " + std::to_string(code);
  if (!reason.empty()) out += (code != 0 ? " " : ": ") + reason;
  if (!message.empty()) out += " (" + message + ")";
  return out;
}

// Headers as recorded: {"Name": "value"} or, as Go's http.Header marshals,
// {"Name": ["value", ...]} (joined with ", " as HTTP folds repeated fields).
bool read_headers(od::value value, KeyValues& out) {
  od::object headers;
  if (value.get_object().get(headers) != simdjson::SUCCESS) return false;
  for (auto field : headers) {
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
    od::value v;
    if (field.value().get(v) != simdjson::SUCCESS) return false;
    std::string joined;
    od::json_type type;
    if (v.type().get(type) != simdjson::SUCCESS) return false;
    std::string_view text;
    if (type == od::json_type::string) {
      if (v.get_string().get(text) != simdjson::SUCCESS) return false;
      joined = text;
    } else if (type == od::json_type::array) {
      for (auto item : v.get_array()) {
        if (item.get_string().get(text) != simdjson::SUCCESS) continue;
        if (!joined.empty()) joined += ", ";
        joined += text;
      }
    } else {
      joined = v.raw_json_token();
    }
    out.emplace_back(std::string(key), std::move(joined));
  }
  return true;
}

// The body as the provider sent it: a JSON value recorded inline, or a
// string holding the raw bytes (what HMAC verification needs).
bool read_body(od::value value, std::string_view& out) {
  od::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS) return false;
  if (type == od::json_type::string) return value.get_string().get(out) == simdjson::SUCCESS;
  if (type == od::json_type::object) {
    od::object object;
    return value.get_object().get(object) == simdjson::SUCCESS && object.raw_json().get(out) == simdjson::SUCCESS;
  }
  if (type == od::json_type::array) {
    od::array array;
    return value.get_array().get(array) == simdjson::SUCCESS && array.raw_json().get(out) == simdjson::SUCCESS;
  }
  return false;
}

std::string json_problem(simdjson::error_code error) {
  return std::string("malformed JSON (") + simdjson::error_message(error) + ")";
}

// Rewinds for another look at the line; false when simdjson has given the
// document up on broken JSON, which must then not be rewound.
bool rewound(od::document& doc) {
  if (!doc.is_alive()) return false;
  doc.rewind();
  return true;
}

}  // namespace

EventLineOutcome read_event_line(od::document& doc, std::size_t line, ReadContext& context) {
  od::object object;
  if (auto error = doc.get_object().get(object); error != simdjson::SUCCESS) {
    context.problem(line, json_problem(error));
    return EventLineOutcome::Handled;
  }

  std::optional<WatchType> type;
  bool object_before_type = false;
  // The object's record is read straight into the event handed on.
  ObservedEvent& event = context.event_scratch();
  std::optional<ExtractStatus> extracted;
  std::string extract_message;
  std::string status_text;
  TimeNs observed_at = 0;
  std::string source;
  KeyValues headers;
  std::string_view body;
  bool has_body = false;
  bool bad_headers = false;

  for (auto field_result : object) {
    std::string_view key;
    if (auto error = field_result.error(); error != simdjson::SUCCESS) {
      context.problem(line, extracted == ExtractStatus::Error ? extract_message : json_problem(error));
      return EventLineOutcome::Handled;
    }
    od::field& field = field_result.value_unsafe();  // in place, as json::take_in_place reads
    if (auto error = field.unescaped_key().get(key); error != simdjson::SUCCESS) {
      context.problem(line, json_problem(error));
      return EventLineOutcome::Handled;
    }
    od::value& value = field.value();
    if (key == "type") {
      std::string_view text;
      if (auto error = value.get_string().get(text); error != simdjson::SUCCESS || !(type = watch_type_of(text))) {
        // A plain object with a "type" of its own (a core/v1 Event's "Normal").
        if (rewound(doc)) return EventLineOutcome::NotAnEvent;
        context.problem(line, json_problem(error));
        return EventLineOutcome::Handled;
      }
    } else if (key == "object") {
      if (!type) {
        object_before_type = true;
      } else if (carries_object(*type)) {
        extracted = extract_object_into(value, context.file_kind_hint(), event.record, extract_message);
      } else if (*type == WatchType::Error) {
        status_text = describe_status(value);
      }
    } else if (key == "observedAt") {
      std::string_view text;
      if (value.get_string().get(text) == simdjson::SUCCESS) observed_at = parse_time(text).value_or(0);
    } else if (key == "source") {
      std::string_view text;
      if (value.get_string().get(text) == simdjson::SUCCESS) source = text;
    } else if (key == "headers") {
      bad_headers = !read_headers(value, headers);
    } else if (key == "body") {
      has_body = read_body(value, body);
    }
  }
  if (!type) {
    if (rewound(doc)) return EventLineOutcome::NotAnEvent;
    context.problem(line, "malformed JSON");
    return EventLineOutcome::Handled;
  }
  // Anything after the closing brace means the line is not what it seems.
  if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS) {
    context.problem(line, "unexpected text after the JSON object");
    return EventLineOutcome::Handled;
  }
  if (object_before_type && (carries_object(*type) || *type == WatchType::Error)) {
    if (!rewound(doc)) {
      context.problem(line, "malformed JSON");
      return EventLineOutcome::Handled;
    }
    od::value value;
    if (doc.find_field_unordered("object").get(value) == simdjson::SUCCESS) {
      if (carries_object(*type)) {
        extracted = extract_object_into(value, context.file_kind_hint(), event.record, extract_message);
      } else {
        status_text = describe_status(value);
      }
    }
  }

  switch (*type) {
    case WatchType::Added:
    case WatchType::Modified:
    case WatchType::Deleted:
      if (!extracted) {
        context.problem(line, "watch event without an \"object\"");
      } else {
        event.type = *type;
        event.observed_at = observed_at;
        context.take(*extracted, std::move(extract_message), std::move(event), line);
      }
      break;
    case WatchType::Bookmark:
      // A bookmark only moves the resourceVersion on; replay has nothing to trace in it.
      ++context.summary().bookmarks;
      break;
    case WatchType::Error:
      context.watch_error(line, status_text.empty() ? "watch ERROR from the API server" : status_text);
      break;
    case WatchType::Webhook:
      if (bad_headers) {
        context.problem(line, "webhook \"headers\" is not an object of strings");
      } else if (!has_body) {
        context.problem(line, "webhook without a \"body\" (expected a JSON value or a string)");
      } else {
        context.take(guarded_extract([&] { return extract_webhook(source, headers, body); }), WatchType::Webhook,
                     observed_at, line);
      }
      break;
  }
  return EventLineOutcome::Handled;
}

}  // namespace pipetrace
