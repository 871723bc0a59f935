// See record_framing.h.
#include "spool/record_framing.h"

#include <zlib.h>

#include <cstring>

namespace pipetrace::spool {
namespace {

void put_u32(std::uint32_t v, std::string& out) {
  char b[4] = {static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff), static_cast<char>((v >> 16) & 0xff),
               static_cast<char>((v >> 24) & 0xff)};
  out.append(b, 4);
}

std::uint32_t get_u32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return std::uint32_t{u[0]} | (std::uint32_t{u[1]} << 8) | (std::uint32_t{u[2]} << 16) | (std::uint32_t{u[3]} << 24);
}

std::uint32_t checksum(const char* length_bytes, std::string_view payload) {
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(length_bytes), 4);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size()));
  return static_cast<std::uint32_t>(crc);
}

// The record starting at `at`, when a whole and intact one does.
bool record_at(std::string_view bytes, std::uint64_t at, FramedRecord& out) {
  if (bytes.size() < at + kRecordHeaderBytes) return false;
  const char* p = bytes.data() + at;
  if (get_u32(p) != kRecordMagic) return false;
  const std::uint32_t length = get_u32(p + 4);
  if (length > kMaxRecordPayload || bytes.size() - at - kRecordHeaderBytes < length) return false;
  std::string_view payload(p + kRecordHeaderBytes, length);
  if (checksum(p + 4, payload) != get_u32(p + 8)) return false;
  out = FramedRecord{at, static_cast<std::uint32_t>(kRecordHeaderBytes + length), payload};
  return true;
}

}  // namespace

void frame_record(std::string_view payload, std::string& out) {
  std::string length;
  put_u32(static_cast<std::uint32_t>(payload.size()), length);
  put_u32(kRecordMagic, out);
  out += length;
  put_u32(checksum(length.data(), payload), out);
  out.append(payload);
}

ScanResult scan_records(std::string_view bytes, std::uint64_t start) {
  ScanResult result;
  result.valid_end = start;
  std::uint64_t at = start;
  while (at < bytes.size()) {
    FramedRecord record;
    if (record_at(bytes, at, record)) {
      result.records.push_back(record);
      at += record.size;
      result.valid_end = at;
      continue;
    }
    // Look for the next intact record; the magic makes candidates rare.
    std::uint64_t next = at + 1;
    bool found = false;
    static constexpr char kMagic[4] = {'P', 'T', 'S', 'R'};
    while (next + kRecordHeaderBytes <= bytes.size()) {
      const void* hit = std::memchr(bytes.data() + next, kMagic[0], bytes.size() - next);
      if (hit == nullptr) break;
      next = static_cast<std::uint64_t>(static_cast<const char*>(hit) - bytes.data());
      if (record_at(bytes, next, record)) {
        found = true;
        break;
      }
      ++next;
    }
    if (!found) {
      result.torn_tail = true;
      return result;
    }
    result.corrupt_bytes += next - at;
    ++result.corrupt_regions;
    at = next;
  }
  return result;
}

}  // namespace pipetrace::spool
