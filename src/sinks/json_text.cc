// Fast JSON string escaping and number formatting for the replay hot path:
// runs of plain bytes are copied in one append, numbers go through to_chars.
#include "sinks/json_text.h"

#include <array>
#include <charconv>
#include <cmath>

#include "sinks/utf8_repair.h"

namespace pipetrace {
namespace {

// For each ASCII byte: 0 = copy as is, 1 = needs an escape. Bytes >= 0x80
// take the UTF-8 path.
constexpr std::array<std::uint8_t, 128> make_ascii_escape_table() {
  std::array<std::uint8_t, 128> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = 1;
  table['"'] = 1;
  table['\\'] = 1;
  // Go escapes these so that JSON can be embedded in HTML unchanged.
  table['<'] = 1;
  table['>'] = 1;
  table['&'] = 1;
  return table;
}
constexpr auto kAsciiEscape = make_ascii_escape_table();

constexpr char kHexDigits[] = "0123456789abcdef";

void append_ascii_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    default: break;
  }
  char escape[6] = {'\\', 'u', '0', '0', kHexDigits[c >> 4], kHexDigits[c & 0xF]};
  out.append(escape, sizeof escape);
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  std::size_t run_start = 0;
  std::size_t pos = 0;
  const auto flush_run = [&] { out.append(text.data() + run_start, pos - run_start); };
  while (pos < text.size()) {
    const auto c = static_cast<unsigned char>(text[pos]);
    if (c < 0x80) {
      if (kAsciiEscape[c] == 0) {
        ++pos;
        continue;
      }
      flush_run();
      append_ascii_escape(out, c);
      run_start = ++pos;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text, pos);
    if (length == 0) {
      flush_run();
      out += "\\ufffd";
      run_start = ++pos;
      continue;
    }
    // U+2028 and U+2029 (E2 80 A8/A9) are valid JSON but end lines in
    // JavaScript; Go escapes them.
    if (length == 3 && c == 0xE2 && static_cast<unsigned char>(text[pos + 1]) == 0x80) {
      const auto last = static_cast<unsigned char>(text[pos + 2]);
      if (last == 0xA8 || last == 0xA9) {
        flush_run();
        out += last == 0xA8 ? "\\u2028" : "\\u2029";
        pos += 3;
        run_start = pos;
        continue;
      }
    }
    pos += length;
  }
  flush_run();
  out += '"';
}

void append_json_double(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "\"NaN\"";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    return;
  }
  char buffer[64];
  const double magnitude = std::fabs(value);
  const bool exponent_form = magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21);
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value,
                                    exponent_form ? std::chars_format::scientific : std::chars_format::fixed);
  std::size_t length = static_cast<std::size_t>(result.ptr - buffer);
  // Go shortens a two-digit negative exponent with a leading zero ("e-07" -> "e-7").
  if (exponent_form && length >= 4 && buffer[length - 4] == 'e' && buffer[length - 3] == '-' &&
      buffer[length - 2] == '0') {
    buffer[length - 2] = buffer[length - 1];
    --length;
  }
  out.append(buffer, length);
}

void append_decimal(std::string& out, std::int64_t value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

void append_decimal(std::string& out, std::uint64_t value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

}  // namespace pipetrace
