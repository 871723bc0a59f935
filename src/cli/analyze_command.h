// `pipetrace analyze`: critical path, slowest steps, waiting versus pulling
// versus running, and the images pulled most, for a trace or a time range.
#pragma once

#include <CLI/CLI.hpp>

namespace pipetrace {

void register_analyze_command(CLI::App& app);

}  // namespace pipetrace
