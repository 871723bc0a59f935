// See spool_flags.h.
#include "cli/spool_flags.h"

#include <algorithm>

#include <fmt/format.h>

#include "store/store_options.h"

namespace pipetrace {

void add_spool_flags(CLI::App& serve, SpoolFlags& flags) {
  const char* group = "Spool";
  serve.add_flag("--no-spool", flags.no_spool,
                 "Send OTLP spans from memory only: a crash or a long collector outage loses them")
      ->envname("PIPETRACE_NO_SPOOL")
      ->group(group);
  serve.add_option("--spool-fsync", flags.fsync,
                   "When spooled spans reach the disk: always (every span), batch (every emitted batch), never "
                   "(left to the OS)")
      ->capture_default_str()
      ->check(CLI::IsMember({"always", "batch", "never"}))
      ->envname("PIPETRACE_SPOOL_FSYNC")
      ->group(group);
  serve.add_option("--spool-max-bytes", flags.max_bytes,
                   "Disk space of each exporter's spool; past it the oldest unsent spans are dropped (metric "
                   "pipetrace_spool_oldest_dropped_spans_total)")
      ->capture_default_str()
      ->envname("PIPETRACE_SPOOL_MAX_BYTES")
      ->group(group);
  serve.add_option("--spool-drain-rate", flags.drain_rate,
                   "Spans per second sent at most while a backlog drains after an outage (0: no bound)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e9))
      ->envname("PIPETRACE_SPOOL_DRAIN_RATE")
      ->group(group);
  serve.add_option("--spool-retry-max-wait", flags.retry_max_wait,
                   "Longest wait between attempts to reach an absent collector (1s, 30s, 2m)")
      ->capture_default_str()
      ->envname("PIPETRACE_SPOOL_RETRY_MAX_WAIT")
      ->group(group);
  serve.add_option("--spool-dedupe-window", flags.dedupe_window,
                   "How long spooled span IDs are remembered so that a restart does not send them twice")
      ->capture_default_str()
      ->envname("PIPETRACE_SPOOL_DEDUPE_WINDOW")
      ->group(group);
}

std::string apply_spool_flags(const SpoolFlags& flags, const std::string& data_dir, serve::ServeConfig& config) {
  if (flags.no_spool) return "";
  if (data_dir.empty()) return "--data-dir is empty: the spool needs a directory (or pass --no-spool)";
  auto policy = spool::parse_fsync_policy(flags.fsync);
  if (!policy) return fmt::format("--spool-fsync {} is not always, batch or never", flags.fsync);
  auto max_bytes = parse_byte_size(flags.max_bytes);
  if (!max_bytes || *max_bytes < 1024 * 1024) {
    return fmt::format("--spool-max-bytes {} is not a size of at least 1MiB (such as 512MiB or 2GiB)",
                       flags.max_bytes);
  }
  auto retry = parse_age(flags.retry_max_wait);
  if (!retry || retry->count() < 1) {
    return fmt::format("--spool-retry-max-wait {} is not a duration of at least 1s", flags.retry_max_wait);
  }
  auto window = parse_age(flags.dedupe_window);
  if (!window || window->count() < 60) {
    return fmt::format("--spool-dedupe-window {} is not a duration of at least 1m (such as 48h)", flags.dedupe_window);
  }
  config.spool_dir = data_dir + "/spool";
  config.spool.fsync = *policy;
  config.spool.max_bytes = static_cast<std::uint64_t>(*max_bytes);
  config.spool.drain_rate = flags.drain_rate;
  config.spool.retry_max = std::chrono::duration_cast<std::chrono::milliseconds>(*retry);
  config.spool.retry_initial = std::min(config.spool.retry_initial, config.spool.retry_max);
  config.spool_dedupe_window = *window;
  return "";
}

}  // namespace pipetrace
