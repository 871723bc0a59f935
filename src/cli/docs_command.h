// `pipetrace docs configuration`: a hidden subcommand that prints the
// settings reference of `pipetrace serve` (docs/configuration.md) from the
// CLI11 options themselves, so the documentation cannot drift from the code.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace pipetrace {

// The Markdown reference of `app`'s global options and of its subcommand
// `subcommand_name` (every option, grouped as in --help). Empty when the
// subcommand does not exist.
std::string configuration_markdown(const CLI::App& app, const std::string& subcommand_name);

// Registers the hidden `docs` subcommand; call it after every other
// subcommand is registered.
void register_docs_command(CLI::App& app);

}  // namespace pipetrace
