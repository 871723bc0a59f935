// The finished-span data model that every sink consumes: plain structs that
// mirror the OTLP trace model without depending on protobuf.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace pipetrace {

// Nanoseconds since the Unix epoch. 0 means "unknown".
using TimeNs = std::int64_t;

struct TraceId {
  std::array<std::uint8_t, 16> bytes{};
  bool empty() const;
  std::string hex() const;  // 32 lowercase hex digits
  auto operator<=>(const TraceId&) const = default;
};

struct SpanId {
  std::array<std::uint8_t, 8> bytes{};
  bool empty() const;
  std::string hex() const;  // 16 lowercase hex digits
  auto operator<=>(const SpanId&) const = default;
};

// Parses lowercase or uppercase hex; returns false (and leaves out untouched)
// on a wrong length or a non-hex digit.
bool parse_hex(std::string_view hex, TraceId& out);
bool parse_hex(std::string_view hex, SpanId& out);

enum class SpanKind : int { Unspecified = 0, Internal = 1, Server = 2, Client = 3, Producer = 4, Consumer = 5 };
enum class StatusCode : int { Unset = 0, Ok = 1, Error = 2 };

using AttributeValue = std::variant<std::string, std::int64_t, double, bool>;

// An attribute's key. Nearly every key is one of pipetrace's own literals
// ("k8s.pod.name"), and most are longer than a string's inline buffer: as
// strings, they cost an allocation and a copy each, a couple of hundred per
// pipeline run. A literal is held as a view of itself, which it outlives;
// a key made at run time (read from an OTLP request, built from a label) is
// held as a string of its own.
class AttributeKey {
 public:
  AttributeKey() = default;
  // consteval: only a constant expression (a string literal, a constexpr
  // array) can be taken without a copy, as nothing else is sure to outlive
  // the key.
  template <std::size_t N>
  consteval AttributeKey(const char (&literal)[N]) : text_(std::string_view(literal, N - 1)) {}
  AttributeKey(std::string text) : text_(std::move(text)) {}
  AttributeKey(std::string_view text) : text_(std::string(text)) {}

  std::string_view view() const {
    const auto* literal = std::get_if<std::string_view>(&text_);
    return literal != nullptr ? *literal : std::string_view(std::get<std::string>(text_));
  }
  operator std::string_view() const { return view(); }
  bool empty() const { return view().empty(); }
  std::size_t size() const { return view().size(); }
  const char* data() const { return view().data(); }

  friend bool operator==(const AttributeKey& a, const AttributeKey& b) { return a.view() == b.view(); }
  friend bool operator==(const AttributeKey& a, std::string_view b) { return a.view() == b; }
  friend bool operator==(const AttributeKey& a, const std::string& b) { return a.view() == b; }
  friend bool operator==(const AttributeKey& a, const char* b) { return a.view() == b; }
  friend std::strong_ordering operator<=>(const AttributeKey& a, const AttributeKey& b) {
    return a.view() <=> b.view();
  }

 private:
  // A literal's view, or owned text. (Not a view plus a string: a consteval
  // constructor cannot leave a string behind, as an empty one points into
  // itself.)
  std::variant<std::string_view, std::string> text_;
};

struct Attribute {
  AttributeKey key;
  AttributeValue value;
  bool operator==(const Attribute&) const = default;
};

struct SpanEvent {
  TimeNs time = 0;
  std::string name;
  std::vector<Attribute> attributes;
  bool operator==(const SpanEvent&) const = default;
};

struct SpanLink {
  TraceId trace_id;
  SpanId span_id;
  std::string trace_state;
  std::vector<Attribute> attributes;
  bool operator==(const SpanLink&) const = default;
};

struct Span {
  TraceId trace_id;
  SpanId span_id;
  SpanId parent_span_id;  // empty for a root span
  std::string trace_state;
  std::string name;
  SpanKind kind = SpanKind::Internal;
  TimeNs start = 0;
  TimeNs end = 0;
  std::vector<Attribute> attributes;
  std::vector<SpanEvent> events;
  std::vector<SpanLink> links;
  StatusCode status = StatusCode::Unset;
  std::string status_message;
  bool operator==(const Span&) const = default;

  // The attribute's value when present and a string, else empty.
  std::string string_attribute(std::string_view key) const;
  const AttributeValue* find_attribute(std::string_view key) const;
};

// Resource attributes shared by every span pipetrace emits (service.name, ...).
struct Resource {
  std::vector<Attribute> attributes;
  bool operator==(const Resource&) const = default;
};

// The instrumentation scope name under which pipetrace reports its spans.
inline constexpr const char* kScopeName = "pipetrace";

// A group of spans with their resource: what one OTLP ResourceSpans carries.
struct SpanBatch {
  Resource resource;
  std::vector<Span> spans;
};

}  // namespace pipetrace
