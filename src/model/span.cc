// Hex encoding of IDs and attribute look-ups for the span model.
#include "model/span.h"

#include <algorithm>

namespace pipetrace {
namespace {

template <std::size_t N>
std::string to_hex(const std::array<std::uint8_t, N>& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(N * 2, '0');
  for (std::size_t i = 0; i < N; ++i) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 0xf];
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

template <std::size_t N>
bool from_hex(std::string_view hex, std::array<std::uint8_t, N>& out) {
  if (hex.size() != N * 2) return false;
  std::array<std::uint8_t, N> parsed{};
  for (std::size_t i = 0; i < N; ++i) {
    int hi = hex_value(hex[2 * i]);
    int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    parsed[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  out = parsed;
  return true;
}

template <std::size_t N>
bool all_zero(const std::array<std::uint8_t, N>& bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

}  // namespace

bool TraceId::empty() const { return all_zero(bytes); }
std::string TraceId::hex() const { return to_hex(bytes); }
bool SpanId::empty() const { return all_zero(bytes); }
std::string SpanId::hex() const { return to_hex(bytes); }

bool parse_hex(std::string_view hex, TraceId& out) { return from_hex(hex, out.bytes); }
bool parse_hex(std::string_view hex, SpanId& out) { return from_hex(hex, out.bytes); }

const AttributeValue* Span::find_attribute(std::string_view key) const {
  for (const auto& a : attributes) {
    if (a.key == key) return &a.value;
  }
  return nullptr;
}

std::string Span::string_attribute(std::string_view key) const {
  const AttributeValue* v = find_attribute(key);
  if (v == nullptr) return {};
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  return {};
}

}  // namespace pipetrace
