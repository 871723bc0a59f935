// `pipetrace record`: watches a cluster and writes every watch event it
// observes to a JSON-lines recording (docs/recording-format.md).
#pragma once

#include <CLI/CLI.hpp>

namespace pipetrace {

void register_record_command(CLI::App& app);

}  // namespace pipetrace
