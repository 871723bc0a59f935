// The spool's files for one exporter: an append-only run of segment files
// (DIR/<seq>.seg) of framed records, and the acknowledged position
// (DIR/acked, replaced atomically by rename). Records before the acked
// position have reached the collector; a segment is deleted once all of it
// is acknowledged, or when the size cap pushes the oldest one out.
//
// Opening recovers from a crash: a torn tail (a write cut short) is
// truncated away, a corrupt record in the middle is skipped, both logged,
// and every intact unacknowledged record is pending again. Thread-safe: the
// tracer appends while the sender peeks, reads and acknowledges.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "spool/spool_options.h"

namespace pipetrace::spool {

struct RecordPosition {
  std::uint64_t segment = 0;
  std::uint64_t offset = 0;  // of the record's header in its segment
  std::uint32_t size = 0;    // header + payload
  auto operator<=>(const RecordPosition&) const = default;
};

struct SegmentLogStats {
  std::uint64_t appended = 0;        // records written
  std::uint64_t acknowledged = 0;    // records acknowledged
  std::uint64_t dropped_oldest = 0;  // unacknowledged records pushed out by the size cap
  std::uint64_t lost_to_errors = 0;  // records of segments that could not be read back
  std::uint64_t corrupt_regions = 0; // stretches of corrupt records skipped when opening
  std::uint64_t torn_tails = 0;      // torn tails truncated when opening
  std::uint64_t recovered = 0;       // records pending when opened
  std::uint64_t pending = 0;         // records not acknowledged now
  std::uint64_t bytes = 0;           // size of the segment files now
  std::uint64_t segments = 0;
};

class SegmentLog {
 public:
  explicit SegmentLog(SpoolOptions options);
  ~SegmentLog();
  SegmentLog(const SegmentLog&) = delete;
  SegmentLog& operator=(const SegmentLog&) = delete;

  // Creates the directory if missing and recovers what is in it. Empty on
  // success, else what failed, naming the path.
  std::string open();

  // Frames and writes the payloads (fsync as the policy says). False with
  // `error` set when the disk refused them; those are not pending then.
  bool append(const std::vector<std::string>& payloads, std::string& error);

  // The oldest pending records, at most `max`.
  std::vector<RecordPosition> peek(std::size_t max) const;
  // Their payloads, read back from disk; a record that cannot be read (its
  // segment dropped meanwhile) gives an empty string.
  std::vector<std::string> read(const std::vector<RecordPosition>& records) const;
  // Everything up to and including `last` has been sent: persists the
  // position and deletes segments that are wholly acknowledged.
  void acknowledge(const RecordPosition& last);

  std::uint64_t pending() const;
  SegmentLogStats stats() const;
  const std::string& directory() const { return options_.directory; }

 private:
  struct Segment {
    std::uint64_t bytes = 0;
  };

  std::string segment_path(std::uint64_t seq) const;
  bool write_all(int fd, const std::string& bytes, std::string& error);
  bool rotate(std::string& error);
  void sync_directory() const;
  void persist_acked();
  void enforce_cap();
  void delete_acknowledged_segments();
  void recover_segment(std::uint64_t seq);

  SpoolOptions options_;
  mutable std::mutex mutex_;  // everything below
  std::map<std::uint64_t, Segment> segments_;
  std::deque<RecordPosition> pending_;
  RecordPosition acked_;  // segment + offset of the first byte not acknowledged (size unused)
  std::uint64_t write_seq_ = 0;
  int write_fd_ = -1;
  bool full_logged_ = false;
  SegmentLogStats stats_;
};

}  // namespace pipetrace::spool
