// Fuzz target: a `serve --config FILE.yaml` file through the YAML reader
// that turns it into serve's settings (src/cli/serve_config_file.h). Its
// only way to refuse a file is CLI::ConfigError naming the key; anything
// else thrown escapes and counts as a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/serve_command.h"
#include "cli/serve_config_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static CLI::App* const app = [] {
    auto* built = new CLI::App("pipetrace");
    pipetrace::register_serve_command(*built);
    return built;
  }();
  static const pipetrace::YamlConfig config(*app->get_subcommand("serve"));
  std::istringstream input(std::string(reinterpret_cast<const char*>(data), size));
  try {
    for (const CLI::ConfigItem& item : config.from_config(input)) {
      if (item.name.empty() || item.inputs.empty()) std::abort();  // every setting has a key and a value
    }
  } catch (const CLI::ConfigError& refused) {
    if (std::string(refused.what()).empty()) std::abort();
  }
  return 0;
}
