// Strict UTF-8 validation and per-byte repair.
#include "sinks/utf8_repair.h"

#include <cstdint>
#include <cstring>

namespace pipetrace {
namespace {

template <typename Word>
Word load(const char* bytes) {
  Word word;
  std::memcpy(&word, bytes, sizeof word);
  return word;
}

// Whether no byte has its high bit set, reading whole words: the first and
// last words overlap rather than ending in a byte-by-byte tail, since most
// strings here are short keys and values.
bool is_ascii(std::string_view text) {
  const char* bytes = text.data();
  const std::size_t size = text.size();
  if (size >= 8) {
    std::uint64_t seen = load<std::uint64_t>(bytes + size - 8);
    for (std::size_t pos = 0; pos + 8 <= size; pos += 8) seen |= load<std::uint64_t>(bytes + pos);
    return (seen & 0x8080808080808080ULL) == 0;
  }
  if (size >= 4) {
    return ((load<std::uint32_t>(bytes) | load<std::uint32_t>(bytes + size - 4)) & 0x80808080U) == 0;
  }
  unsigned seen = 0;
  for (std::size_t pos = 0; pos < size; ++pos) seen |= static_cast<unsigned char>(bytes[pos]);
  return (seen & 0x80U) == 0;
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  // The second byte's range is narrower after a few lead bytes; that is what
  // rules out overlong forms, UTF-16 surrogates and code points past U+10FFFF.
  unsigned char second_min = 0x80;
  unsigned char second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead == 0xE0) {
    length = 3;
    second_min = 0xA0;
  } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
    length = 3;
  } else if (lead == 0xED) {
    length = 3;
    second_max = 0x9F;
  } else if (lead == 0xF0) {
    length = 4;
    second_min = 0x90;
  } else if (lead >= 0xF1 && lead <= 0xF3) {
    length = 4;
  } else if (lead == 0xF4) {
    length = 4;
    second_max = 0x8F;
  } else {
    return 0;
  }
  if (pos + length > text.size()) return 0;
  const unsigned char second = byte(pos + 1);
  if (second < second_min || second > second_max) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) return 0;
  }
  return length;
}

bool is_valid_utf8(std::string_view text) {
  // Nearly all text is ASCII: that is told a word at a time, and only the
  // rest is walked sequence by sequence.
  if (is_ascii(text)) return true;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text, pos);
    if (length == 0) return false;
    pos += length;
  }
  return true;
}

std::string replace_invalid_utf8(std::string_view text) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(text.size() + 8);
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t length = utf8_sequence_length(text, pos);
    if (length == 0) {
      out.append(kReplacement);
      ++pos;
    } else {
      out.append(text.substr(pos, length));
      pos += length;
    }
  }
  return out;
}

}  // namespace pipetrace
