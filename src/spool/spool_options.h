// The settings of the durable spool that sits between the tracer and each
// OTLP exporter (`serve --data-dir`, `--spool-*`): where it lives, how often
// it reaches the disk, how big it may grow and how fast it drains.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pipetrace::spool {

enum class FsyncPolicy {
  Always,  // after every record: nothing acknowledged by append() is lost on power failure
  Batch,   // once per appended batch (one tracer emission): the default
  Never,   // left to the operating system: survives a process crash, not a power failure
};

std::optional<FsyncPolicy> parse_fsync_policy(std::string_view text);  // "always" | "batch" | "never"
const char* to_string(FsyncPolicy policy);

struct SpoolOptions {
  std::string directory;  // DIR/spool/<exporter>; created if missing
  FsyncPolicy fsync = FsyncPolicy::Batch;
  // Bytes of segment files kept at most; past it the oldest segment goes,
  // acknowledged or not (counted as dropped).
  std::uint64_t max_bytes = 512ULL * 1024 * 1024;
  // Size at which a segment is closed and a new one started; 0 = derived
  // from max_bytes (an eighth, between 64 KiB and 64 MiB), so that the cap
  // drops a small slice of the oldest spans rather than most of them.
  std::uint64_t segment_bytes = 0;
  // Spans sent per second at most when draining a backlog; 0 = no bound.
  double drain_rate = 2000;
  std::size_t max_batch = 512;                   // spans per export at most
  std::chrono::milliseconds schedule_delay{5000}; // longest wait of a new span before its batch is sent
  // Waits between rounds of failed exports (each round is the exporter's
  // own retries): exponential from initial to max.
  std::chrono::milliseconds retry_initial{1000};
  std::chrono::milliseconds retry_max{30'000};

  std::uint64_t effective_segment_bytes() const;
};

// A directory name for an exporter: its protocol and endpoint with every
// character outside [A-Za-z0-9._-] replaced, so that the same collector
// finds its spool again after a restart.
std::string spool_name_for(std::string_view protocol, std::string_view endpoint);

}  // namespace pipetrace::spool
