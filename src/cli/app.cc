// Builds the CLI11 app from each subcommand's registration and runs it.
#include "cli/app.h"

#include <CLI/CLI.hpp>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <string>

#include "cli/record_command.h"
#include "cli/analyze_command.h"
#include "cli/docs_command.h"
#include "cli/json_log_formatter.h"
#include "cli/replay_command.h"
#include "cli/serve_command.h"
#include "cli/ui_command.h"

namespace pipetrace {

int run_cli(int argc, char** argv) {
  CLI::App app{"pipetrace: OpenTelemetry traces of CI/CD activity on Kubernetes"};
  app.require_subcommand(1);
  // Logs go to stderr so that `-o jsonl:-` keeps stdout clean for data.
  spdlog::set_default_logger(spdlog::stderr_color_mt("pipetrace"));
  std::string log_level = "info";
  std::string log_format = "text";
  app.add_option("--log-level", log_level, "Log level: trace, debug, info, warn, error")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.add_option("--log-format", log_format, "Log format: text or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  app.parse_complete_callback([&] {
    spdlog::set_level(spdlog::level::from_str(log_level));
    if (log_format == "json") {
      spdlog::set_formatter(make_json_log_formatter());
    } else {
      spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    }
  });
  auto* version = app.add_subcommand("version", "Print the pipetrace version");
  version->callback([] { std::cout << "pipetrace " << PIPETRACE_VERSION << "\n"; });
  register_replay_command(app);
  register_ui_command(app);
  register_analyze_command(app);
  register_record_command(app);
  register_serve_command(app);
  register_docs_command(app);  // last: it documents the others
  CLI11_PARSE(app, argc, argv);
  return 0;
}

}  // namespace pipetrace
