// `pipetrace replay`: feeds recordings through the tracer to the outputs.
#pragma once

#include <CLI/CLI.hpp>

namespace pipetrace {

void register_replay_command(CLI::App& app);

}  // namespace pipetrace
