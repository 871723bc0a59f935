// LEB128 varints and zigzag signed integers, as the tracer's compact
// in-memory forms (frozen records, held Events) write them. Readers trust
// the bytes: only these forms write them.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>

namespace pipetrace::varint {

// A zigzag value with tag bits beside it needs more than 64 bits.
__extension__ using Wide = unsigned __int128;

inline std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
inline std::int64_t unzigzag(std::uint64_t z) {
  return static_cast<std::int64_t>(z >> 1) ^ -static_cast<std::int64_t>(z & 1);
}

// A value relative to `base`, and back, in two's complement: both forms
// write times and resourceVersions as the difference from the one before,
// and the difference of any two 64-bit values must come back exactly.
inline std::int64_t delta(std::int64_t v, std::int64_t base) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(v) - static_cast<std::uint64_t>(base));
}
inline std::int64_t undelta(std::int64_t d, std::int64_t base) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(d));
}

// Bytes of v's varint: seven bits each, one at least (from the bit width,
// not a loop: integers are sized twice each as records are frozen).
inline std::size_t size_of(std::uint64_t v) {
  return static_cast<std::size_t>(std::bit_width(v | 1) + 6) / 7;
}
inline std::size_t size_of(Wide v) {
  const auto high = static_cast<std::uint64_t>(v >> 64);
  if (high == 0) return size_of(static_cast<std::uint64_t>(v));
  return static_cast<std::size_t>(64 + std::bit_width(high) + 6) / 7;
}

// Most values take one byte: that is one push_back; longer ones are put
// together first and appended at once.
template <typename Unsigned>
inline void put(std::string& out, Unsigned v) {
  if (v < 0x80) {
    out.push_back(static_cast<char>(v));
    return;
  }
  char bytes[20];  // 19 bytes hold 128 bits
  std::size_t n = 0;
  while (v >= 0x80) {
    bytes[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  bytes[n++] = static_cast<char>(v);
  out.append(bytes, n);
}

template <typename Unsigned = std::uint64_t>
Unsigned get(const std::uint8_t*& at) {
  Unsigned v = 0;
  for (int shift = 0;; shift += 7) {
    const std::uint8_t byte = *at++;
    v |= static_cast<Unsigned>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return v;
  }
}

}  // namespace pipetrace::varint
