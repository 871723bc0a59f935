// `pipetrace serve`: the long-running service (webhooks in, watches, OTLP
// out), with the Lighthouse telemetry plugin's flags accepted as they are.
#pragma once

#include <CLI/CLI.hpp>

namespace pipetrace {

void register_serve_command(CLI::App& app);

}  // namespace pipetrace
