// The on-disk framing shared by spool segments and the emitted-span file:
//   u32 magic "PTSR" | u32 payload length | u32 CRC-32 (zlib) of length+payload | payload
// all little-endian. The magic lets a reader find the next good record past
// a corrupt one; the checksum covers the length so that a torn or flipped
// length is caught, not trusted.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pipetrace::spool {

inline constexpr std::uint32_t kRecordMagic = 0x52535450;  // "PTSR" on disk
inline constexpr std::size_t kRecordHeaderBytes = 12;
inline constexpr std::uint32_t kMaxRecordPayload = 64U * 1024 * 1024;

// Appends the framed record to `out`.
void frame_record(std::string_view payload, std::string& out);

struct FramedRecord {
  std::uint64_t offset = 0;  // of the header, in the scanned bytes
  std::uint32_t size = 0;    // header + payload
  std::string_view payload;
};

// What a scan of a file's bytes found: the good records in order, and the
// damage, so that the caller can log it and decide what to cut.
struct ScanResult {
  std::vector<FramedRecord> records;
  std::uint64_t valid_end = 0;        // end of the last good record (where a torn tail starts)
  std::uint64_t corrupt_bytes = 0;    // bytes skipped between good records
  std::uint64_t corrupt_regions = 0;  // how many such stretches
  bool torn_tail = false;             // bytes after the last good record that are no record
};

// Scans `bytes` from `start`. A bad record followed by a good one is
// skipped (a corrupt middle); bad bytes with no good record after them are
// a torn tail (a crash in the middle of a write).
ScanResult scan_records(std::string_view bytes, std::uint64_t start = 0);

}  // namespace pipetrace::spool
