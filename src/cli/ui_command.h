// `pipetrace ui`: serves the web UI and JSON API over an existing store.
#pragma once

#include <CLI/CLI.hpp>

namespace pipetrace {

void register_ui_command(CLI::App& app);

}  // namespace pipetrace
