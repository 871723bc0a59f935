// `pipetrace serve --config FILE.yaml` (or PIPETRACE_CONFIG=FILE.yaml): the
// serve flags as a YAML map, keys spelled like the long flags without their
// dashes (`listen-addr: ":8080"`, `namespace: [a, b]`, `no-store: true`).
// Precedence: flags > the file > environment variables > defaults; a value
// from the file counts as given, so the by-hand environment fallbacks of
// serve (TRACES_EXPORTER_*, OTEL_EXPORTER_OTLP_* behind
// --traces-exporter-*, GITHUB_WEBHOOK_SECRET, ...) give way to it too.
// Parsed with yaml-cpp behind CLI11's config-file mechanism; an unknown key
// or a value of the wrong shape is an error naming the key and the file.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace pipetrace {

// Reads a YAML map into CLI11 config items for the options of one
// subcommand, checking each key and value against that subcommand.
class YamlConfig : public CLI::Config {
 public:
  // `command`: the subcommand the file configures (items are addressed to it).
  explicit YamlConfig(const CLI::App& command);

  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;
  // The values the command has now, as YAML (for a starting file).
  std::string to_config(const CLI::App* app, bool default_also, bool write_description,
                        std::string prefix) const override;

  // The file being read, for messages (CLI11 hands over only its stream).
  void set_file(std::string path) { file_ = std::move(path); }

 private:
  const CLI::App& command_;
  std::string file_;
};

// Adds --config FILE (and PIPETRACE_CONFIG) to `serve`. CLI11 reads config
// files on the top-level app only, after the command line and before the
// environment; so a hidden top-level config option carries the file, and
// the top-level app gets the YAML reader.
void add_serve_config_file(CLI::App& app, CLI::App& serve);

}  // namespace pipetrace
