// OTLP/JSON -> span model, through nlohmann::json: this path reads files and
// test output, not the live stream, so clarity wins over speed here.
#include "sinks/otlp_json_decoder.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include <nlohmann/json.hpp>

#include "model/base64.h"
#include "sinks/otlp_any_value.h"
#include "sinks/utf8_repair.h"

namespace pipetrace {
namespace {

using nlohmann::json;
namespace common_pb = opentelemetry::proto::common::v1;

std::string describe(const json& value) {
  std::string text = value.dump();
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return text;
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// Reads one document, keeping the JSON path of the field being read so that
// an error says exactly where the problem is.
class TracesJsonReader {
 public:
  OtlpDecodeResult read(const json& root) {
    OtlpDecodeResult result;
    if (!root.is_object()) {
      result.error = "expected a JSON object holding resourceSpans, got " + describe(root);
      return result;
    }
    if (!read_root(root, result.batches)) {
      result.batches.clear();
      result.error = std::move(error_);
    }
    return result;
  }

 private:
  // Restores the path when a nested read returns.
  class PathGuard {
   public:
    PathGuard(std::string& path, std::size_t length) : path_(path), length_(length) {}
    ~PathGuard() { path_.resize(length_); }
    PathGuard(const PathGuard&) = delete;
    PathGuard& operator=(const PathGuard&) = delete;

   private:
    std::string& path_;
    std::size_t length_;
  };

  [[nodiscard]] PathGuard enter(std::string_view key) {
    const std::size_t length = path_.size();
    if (!path_.empty()) path_ += '.';
    path_ += key;
    return PathGuard(path_, length);
  }

  [[nodiscard]] PathGuard enter(std::size_t index) {
    const std::size_t length = path_.size();
    path_ += '[';
    path_ += std::to_string(index);
    path_ += ']';
    return PathGuard(path_, length);
  }

  bool fail(const std::string& message) {
    error_ = (path_.empty() ? std::string("document") : path_) + ": " + message;
    return false;
  }

  // The field under its camelCase name or its proto name; null counts as absent.
  static const json* field(const json& object, const char* camel, const char* snake) {
    auto it = object.find(camel);
    if (it == object.end()) it = object.find(snake);
    if (it == object.end() || it->is_null()) return nullptr;
    return &*it;
  }

  bool expect_object(const json& value) {
    return value.is_object() || fail("expected an object, got " + describe(value));
  }

  // An optional array field; sets `array` to null when absent.
  bool array_field(const json& object, const char* camel, const char* snake, const json*& array) {
    array = field(object, camel, snake);
    if (array == nullptr || array->is_array()) return true;
    auto guard = enter(camel);
    return fail("expected an array, got " + describe(*array));
  }

  template <typename Id>
  bool read_id(const json& object, const char* camel, const char* snake, Id& out) {
    out = Id{};
    const json* value = field(object, camel, snake);
    if (value == nullptr) return true;
    auto guard = enter(camel);
    const std::size_t size = out.bytes.size();
    if (!value->is_string()) return fail("expected a hex string, got " + describe(*value));
    const auto& text = value->get_ref<const std::string&>();
    if (text.empty() || parse_hex(text, out)) return true;
    // protobuf's generic JSON mapping writes bytes as base64.
    std::string bytes;
    if (text.size() != size * 2 && base64_decode(text, bytes) && bytes.size() == size) {
      std::memcpy(out.bytes.data(), bytes.data(), size);
      return true;
    }
    return fail("\"" + text + "\" is not " + std::to_string(size * 2) + " hex digits");
  }

  bool read_u64(const json& value, std::uint64_t& out) {
    if (value.is_number_unsigned()) {
      out = value.get<std::uint64_t>();
      return true;
    }
    if (value.is_number_integer()) {
      const auto v = value.get<std::int64_t>();
      if (v < 0) return fail("expected a non-negative integer, got " + describe(value));
      out = static_cast<std::uint64_t>(v);
      return true;
    }
    if (value.is_number_float()) {
      const double v = value.get<double>();
      if (v >= 0 && v < 18446744073709551616.0 && std::floor(v) == v) {
        out = static_cast<std::uint64_t>(v);
        return true;
      }
      return fail("expected a non-negative integer, got " + describe(value));
    }
    if (value.is_string()) {
      const auto& text = value.get_ref<const std::string&>();
      const char* end = text.data() + text.size();
      const auto [ptr, ec] = std::from_chars(text.data(), end, out);
      if (ec == std::errc() && ptr == end && !text.empty()) return true;
    }
    return fail("expected a non-negative integer, got " + describe(value));
  }

  bool read_i64(const json& value, std::int64_t& out) {
    if (value.is_number_integer()) {  // true for signed and unsigned
      if (value.is_number_unsigned() &&
          value.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return fail("integer out of 64-bit range: " + describe(value));
      }
      out = value.get<std::int64_t>();
      return true;
    }
    if (value.is_number_float()) {
      const double v = value.get<double>();
      if (std::floor(v) == v && v >= -9223372036854775808.0 && v < 9223372036854775808.0) {
        out = static_cast<std::int64_t>(v);
        return true;
      }
      return fail("expected an integer, got " + describe(value));
    }
    if (value.is_string()) {
      const auto& text = value.get_ref<const std::string&>();
      const char* end = text.data() + text.size();
      const auto [ptr, ec] = std::from_chars(text.data(), end, out);
      if (ec == std::errc() && ptr == end && !text.empty()) return true;
    }
    return fail("expected an integer, got " + describe(value));
  }

  bool read_double(const json& value, double& out) {
    if (value.is_number()) {
      out = value.get<double>();
      return true;
    }
    if (value.is_string()) {
      const auto& text = value.get_ref<const std::string&>();
      if (text == "NaN") {
        out = std::numeric_limits<double>::quiet_NaN();
        return true;
      }
      if (text == "Infinity" || text == "-Infinity") {
        out = text[0] == '-' ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
        return true;
      }
      const char* end = text.data() + text.size();
      const auto [ptr, ec] = std::from_chars(text.data(), end, out);
      if (ec == std::errc() && ptr == end && !text.empty()) return true;
    }
    return fail("expected a number, got " + describe(value));
  }

  bool read_time(const json& object, const char* camel, const char* snake, TimeNs& out) {
    out = 0;
    const json* value = field(object, camel, snake);
    if (value == nullptr) return true;
    auto guard = enter(camel);
    std::uint64_t nanos = 0;
    if (!read_u64(*value, nanos)) return false;
    constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<TimeNs>::max());
    out = static_cast<TimeNs>(nanos > kMax ? kMax : nanos);
    return true;
  }

  bool read_string(const json& object, const char* camel, const char* snake, std::string& out) {
    out.clear();
    const json* value = field(object, camel, snake);
    if (value == nullptr) return true;
    if (value->is_string()) {
      out = value->get<std::string>();
      return true;
    }
    auto guard = enter(camel);
    return fail("expected a string, got " + describe(*value));
  }

  // An enum as its number or its name, with or without the prefix
  // ("SPAN_KIND_SERVER", "SERVER"); numbers out of range read as 0.
  bool read_enum(const json& value, std::string_view prefix, const std::vector<std::string_view>& names,
                 int& out) {
    if (value.is_number()) {
      std::int64_t number = 0;
      if (!read_i64(value, number)) return false;
      out = number >= 0 && number < static_cast<std::int64_t>(names.size()) ? static_cast<int>(number) : 0;
      return true;
    }
    if (value.is_string()) {
      std::string name = upper(value.get_ref<const std::string&>());
      if (name.rfind(prefix, 0) == 0) name.erase(0, prefix.size());
      for (std::size_t i = 0; i < names.size(); ++i) {
        if (name == names[i]) {
          out = static_cast<int>(i);
          return true;
        }
      }
    }
    return fail("unknown value " + describe(value));
  }

  // Builds the protobuf AnyValue for the kinds the span model lacks, so that
  // both decoders turn them into the same text.
  bool read_any_value_proto(const json& value, common_pb::AnyValue& out) {
    if (!expect_object(value)) return false;
    if (const json* v = field(value, "stringValue", "string_value")) {
      if (!v->is_string()) return fail("stringValue: expected a string, got " + describe(*v));
      out.set_string_value(v->get<std::string>());
    } else if (const json* v = field(value, "boolValue", "bool_value")) {
      if (!v->is_boolean()) return fail("boolValue: expected true or false, got " + describe(*v));
      out.set_bool_value(v->get<bool>());
    } else if (const json* v = field(value, "intValue", "int_value")) {
      std::int64_t number = 0;
      if (!read_i64(*v, number)) return false;
      out.set_int_value(number);
    } else if (const json* v = field(value, "doubleValue", "double_value")) {
      double number = 0;
      if (!read_double(*v, number)) return false;
      out.set_double_value(number);
    } else if (const json* v = field(value, "bytesValue", "bytes_value")) {
      std::string bytes;
      if (!v->is_string() || !base64_decode(v->get_ref<const std::string&>(), bytes)) {
        return fail("bytesValue: expected base64, got " + describe(*v));
      }
      out.set_bytes_value(bytes);
    } else if (const json* v = field(value, "arrayValue", "array_value")) {
      auto guard = enter("arrayValue");
      auto* array = out.mutable_array_value();
      if (!expect_object(*v)) return false;
      const json* values = nullptr;
      if (!array_field(*v, "values", "values", values)) return false;
      if (values == nullptr) return true;
      for (std::size_t i = 0; i < values->size(); ++i) {
        auto element_guard = enter(i);
        if (!read_any_value_proto((*values)[i], *array->add_values())) return false;
      }
    } else if (const json* v = field(value, "kvlistValue", "kvlist_value")) {
      auto guard = enter("kvlistValue");
      auto* list = out.mutable_kvlist_value();
      if (!expect_object(*v)) return false;
      const json* values = nullptr;
      if (!array_field(*v, "values", "values", values)) return false;
      if (values == nullptr) return true;
      for (std::size_t i = 0; i < values->size(); ++i) {
        auto element_guard = enter(i);
        const json& kv = (*values)[i];
        if (!expect_object(kv)) return false;
        auto* entry = list->add_values();
        if (!read_string(kv, "key", "key", *entry->mutable_key())) return false;
        if (const json* nested = field(kv, "value", "value")) {
          auto value_guard = enter("value");
          if (!read_any_value_proto(*nested, *entry->mutable_value())) return false;
        }
      }
    }
    return true;
  }

  bool read_any_value(const json& value, AttributeValue& out) {
    if (!expect_object(value)) return false;
    if (const json* v = field(value, "stringValue", "string_value")) {
      if (v->is_string()) {
        out = v->get<std::string>();
        return true;
      }
      auto guard = enter("stringValue");
      return fail("expected a string, got " + describe(*v));
    }
    if (const json* v = field(value, "intValue", "int_value")) {
      auto guard = enter("intValue");
      std::int64_t number = 0;
      if (!read_i64(*v, number)) return false;
      out = number;
      return true;
    }
    if (const json* v = field(value, "doubleValue", "double_value")) {
      auto guard = enter("doubleValue");
      double number = 0;
      if (!read_double(*v, number)) return false;
      out = number;
      return true;
    }
    if (const json* v = field(value, "boolValue", "bool_value")) {
      if (v->is_boolean()) {
        out = v->get<bool>();
        return true;
      }
      auto guard = enter("boolValue");
      return fail("expected true or false, got " + describe(*v));
    }
    common_pb::AnyValue nested;
    if (!read_any_value_proto(value, nested)) return false;
    out = to_attribute_value(nested);
    return true;
  }

  bool read_attributes(const json& object, std::vector<Attribute>& out) {
    out.clear();
    const json* array = nullptr;
    if (!array_field(object, "attributes", "attributes", array)) return false;
    if (array == nullptr) return true;
    auto guard = enter("attributes");
    out.reserve(array->size());
    for (std::size_t i = 0; i < array->size(); ++i) {
      auto element_guard = enter(i);
      const json& kv = (*array)[i];
      if (!expect_object(kv)) return false;
      Attribute attribute;
      std::string key;
      if (!read_string(kv, "key", "key", key)) return false;
      attribute.key = std::move(key);
      attribute.value = std::string();
      if (const json* value = field(kv, "value", "value")) {
        auto value_guard = enter("value");
        if (!read_any_value(*value, attribute.value)) return false;
      }
      out.push_back(std::move(attribute));
    }
    return true;
  }

  bool read_event(const json& object, SpanEvent& out) {
    return expect_object(object) && read_time(object, "timeUnixNano", "time_unix_nano", out.time) &&
           read_string(object, "name", "name", out.name) && read_attributes(object, out.attributes);
  }

  bool read_link(const json& object, SpanLink& out) {
    return expect_object(object) && read_id(object, "traceId", "trace_id", out.trace_id) &&
           read_id(object, "spanId", "span_id", out.span_id) &&
           read_string(object, "traceState", "trace_state", out.trace_state) &&
           read_attributes(object, out.attributes);
  }

  bool read_span(const json& object, Span& out) {
    static const std::vector<std::string_view> kKinds = {"UNSPECIFIED", "INTERNAL", "SERVER",
                                                         "CLIENT",      "PRODUCER", "CONSUMER"};
    static const std::vector<std::string_view> kCodes = {"UNSET", "OK", "ERROR"};
    if (!expect_object(object) || !read_id(object, "traceId", "trace_id", out.trace_id) ||
        !read_id(object, "spanId", "span_id", out.span_id) ||
        !read_id(object, "parentSpanId", "parent_span_id", out.parent_span_id) ||
        !read_string(object, "traceState", "trace_state", out.trace_state) ||
        !read_string(object, "name", "name", out.name) ||
        !read_time(object, "startTimeUnixNano", "start_time_unix_nano", out.start) ||
        !read_time(object, "endTimeUnixNano", "end_time_unix_nano", out.end) ||
        !read_attributes(object, out.attributes)) {
      return false;
    }
    out.kind = SpanKind::Unspecified;
    if (const json* kind = field(object, "kind", "kind")) {
      auto guard = enter("kind");
      int number = 0;
      if (!read_enum(*kind, "SPAN_KIND_", kKinds, number)) return false;
      out.kind = static_cast<SpanKind>(number);
    }
    const json* events = nullptr;
    if (!array_field(object, "events", "events", events)) return false;
    if (events != nullptr) {
      auto guard = enter("events");
      out.events.resize(events->size());
      for (std::size_t i = 0; i < events->size(); ++i) {
        auto element_guard = enter(i);
        if (!read_event((*events)[i], out.events[i])) return false;
      }
    }
    const json* links = nullptr;
    if (!array_field(object, "links", "links", links)) return false;
    if (links != nullptr) {
      auto guard = enter("links");
      out.links.resize(links->size());
      for (std::size_t i = 0; i < links->size(); ++i) {
        auto element_guard = enter(i);
        if (!read_link((*links)[i], out.links[i])) return false;
      }
    }
    out.status = StatusCode::Unset;
    out.status_message.clear();
    if (const json* status = field(object, "status", "status")) {
      auto guard = enter("status");
      if (!expect_object(*status) || !read_string(*status, "message", "message", out.status_message)) return false;
      if (const json* code = field(*status, "code", "code")) {
        auto code_guard = enter("code");
        int number = 0;
        if (!read_enum(*code, "STATUS_CODE_", kCodes, number)) return false;
        out.status = static_cast<StatusCode>(number);
      }
    }
    return true;
  }

  bool read_root(const json& root, std::vector<SpanBatch>& batches) {
    const json* resource_spans = nullptr;
    if (!array_field(root, "resourceSpans", "resource_spans", resource_spans)) return false;
    if (resource_spans == nullptr) return true;
    auto guard = enter("resourceSpans");
    batches.reserve(resource_spans->size());
    for (std::size_t r = 0; r < resource_spans->size(); ++r) {
      auto rs_guard = enter(r);
      const json& rs = (*resource_spans)[r];
      if (!expect_object(rs)) return false;
      SpanBatch batch;
      if (const json* resource = field(rs, "resource", "resource")) {
        auto resource_guard = enter("resource");
        if (!expect_object(*resource) || !read_attributes(*resource, batch.resource.attributes)) return false;
      }
      const json* scope_spans = nullptr;
      const char* scope_key = "scopeSpans";
      if (!array_field(rs, "scopeSpans", "scope_spans", scope_spans)) return false;
      if (scope_spans == nullptr) {
        // The name before OTLP 0.19 renamed instrumentation libraries to scopes.
        scope_key = "instrumentationLibrarySpans";
        if (!array_field(rs, scope_key, "instrumentation_library_spans", scope_spans)) return false;
      }
      if (scope_spans != nullptr) {
        auto ss_list_guard = enter(scope_key);
        for (std::size_t s = 0; s < scope_spans->size(); ++s) {
          auto ss_guard = enter(s);
          const json& ss = (*scope_spans)[s];
          if (!expect_object(ss)) return false;
          const json* spans = nullptr;
          if (!array_field(ss, "spans", "spans", spans)) return false;
          if (spans == nullptr) continue;
          auto spans_guard = enter("spans");
          for (std::size_t i = 0; i < spans->size(); ++i) {
            auto span_guard = enter(i);
            Span span;
            if (!read_span((*spans)[i], span)) return false;
            batch.spans.push_back(std::move(span));
          }
        }
      }
      batches.push_back(std::move(batch));
    }
    return true;
  }

  std::string path_;
  std::string error_;
};

}  // namespace

OtlpDecodeResult decode_otlp_json(std::string_view text) {
  OtlpDecodeResult result;
  std::string repaired;
  if (!is_valid_utf8(text)) {
    repaired = replace_invalid_utf8(text);
    text = repaired;
  }
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    result.error = "empty input: expected an OTLP/JSON object";
    return result;
  }
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    result.error = std::string("not valid JSON: ") + e.what();
    return result;
  } catch (const json::out_of_range& e) {
    // Valid JSON grammar, but a number no double holds (1E800).
    result.error = std::string("a number in it is out of range: ") + e.what();
    return result;
  }
  return TracesJsonReader().read(root);
}

}  // namespace pipetrace
