// The `serve` flags of the durable spool (group "Spool"), kept apart from
// serve_command.cc: registration, and their translation into ServeConfig.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "serve/serve_config.h"

namespace pipetrace {

struct SpoolFlags {
  bool no_spool = false;
  std::string fsync = "batch";
  std::string max_bytes = "512MiB";
  double drain_rate = 2000;
  std::string retry_max_wait = "30s";
  std::string dedupe_window = "48h";
};

void add_spool_flags(CLI::App& serve, SpoolFlags& flags);

// Sets config.spool_dir (DATA_DIR/spool) and config.spool from the flags.
// Empty when valid, else the message naming the flag at fault.
std::string apply_spool_flags(const SpoolFlags& flags, const std::string& data_dir, serve::ServeConfig& config);

}  // namespace pipetrace
