// Builds the CLI11 app from each subcommand's registration and runs it.
#include "cli/app.h"

#include <CLI/CLI.hpp>

#include <iostream>

namespace pipetrace {

int run_cli(int argc, char** argv) {
  CLI::App app{"pipetrace: OpenTelemetry traces of CI/CD activity on Kubernetes"};
  app.require_subcommand(1);
  auto* version = app.add_subcommand("version", "Print the pipetrace version");
  version->callback([] { std::cout << "pipetrace " << PIPETRACE_VERSION << "\n"; });
  CLI11_PARSE(app, argc, argv);
  return 0;
}

}  // namespace pipetrace
