// The YAML config file of serve (see serve_config_file.h).
#include "cli/serve_config_file.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdlib>
#include <sstream>

namespace pipetrace {
namespace {

constexpr const char* kCarrier = "--serve-config-file";  // the hidden top-level option

std::string shape_of(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Null: return "no value";
    default: return "\"" + node.Scalar() + "\"";
  }
}

bool is_whole_number(const std::string& text, bool allow_negative) {
  if (text.empty()) return false;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  return errno == 0 && *end == '\0' && (allow_negative || v >= 0);
}

bool is_number(const std::string& text) {
  if (text.empty()) return false;
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  return *end == '\0';
}

// YAML 1.2 core booleans, plus what CLI11 flags take anyway.
bool is_boolean(const std::string& text) {
  for (const char* word : {"true", "false", "True", "False", "TRUE", "FALSE", "yes", "no", "on", "off", "1", "0"}) {
    if (text == word) return true;
  }
  return false;
}

}  // namespace

YamlConfig::YamlConfig(const CLI::App& command) : command_(command) {}

std::vector<CLI::ConfigItem> YamlConfig::from_config(std::istream& input) const {
  const std::string file = file_.empty() ? "the config file" : file_;
  auto fail = [&](const std::string& what) { throw CLI::ConfigError(file + ": " + what); };
  YAML::Node root;
  try {
    root = YAML::Load(input);
  } catch (const YAML::Exception& e) {
    fail(fmt::format("line {}: not valid YAML: {}", e.mark.line + 1, e.msg));
  }
  std::vector<CLI::ConfigItem> items;
  if (root.IsNull()) return items;  // an empty file sets nothing
  if (!root.IsMap()) fail("expected a map of settings (key: value), got " + shape_of(root));
  for (const auto& entry : root) {
    const YAML::Node& key_node = entry.first;
    const YAML::Node& value = entry.second;
    if (!key_node.IsScalar()) fail("a key must be a flag name, got " + shape_of(key_node));
    const std::string key = key_node.Scalar();
    const int line = key_node.Mark().line + 1;
    auto fail_key = [&](const std::string& what) { fail(fmt::format("line {}: key '{}' {}", line, key, what)); };
    if (key.starts_with("-")) fail_key("is written with dashes; write flag names without them (listen-addr: ...)");
    const CLI::Option* option = command_.get_option_no_throw("--" + key);
    if (option == nullptr || !option->get_configurable() || key == "help" || key == "config") {
      fail_key(fmt::format("is not a setting of {} (keys are its long flags without the dashes; see pipetrace {} "
                           "--help)",
                           command_.get_name(), command_.get_name()));
    }
    CLI::ConfigItem item;
    item.parents = {command_.get_name()};
    item.name = key;
    const bool flag = option->get_expected_min() == 0;
    const bool many = option->get_items_expected_max() > 1;
    if (value.IsNull()) fail_key("has no value");
    if (value.IsMap()) fail_key("takes " + std::string(many ? "a list of values" : "one value") + ", got a map");
    if (value.IsSequence()) {
      if (!many) fail_key("takes one value, got a list");
      for (const auto& element : value) {
        if (!element.IsScalar()) fail_key("takes a list of plain values, got " + shape_of(element) + " in it");
        item.inputs.push_back(element.Scalar());
      }
    } else {
      item.inputs.push_back(value.Scalar());
    }
    const std::string type = option->get_type_name();
    for (const std::string& text : item.inputs) {
      if (flag && !is_boolean(text)) fail_key("is a switch: write true or false, not \"" + text + "\"");
      if (flag) continue;
      if (type.starts_with("INT") && !is_whole_number(text, true)) {
        fail_key("takes a whole number, not \"" + text + "\"");
      } else if (type.starts_with("UINT") && !is_whole_number(text, false)) {
        fail_key("takes a whole number of 0 or more, not \"" + text + "\"");
      } else if (type.starts_with("FLOAT") && !is_number(text)) {
        fail_key("takes a number, not \"" + text + "\"");
      }
    }
    items.push_back(std::move(item));
  }
  return items;
}

std::string YamlConfig::to_config(const CLI::App* app, bool default_also, bool /*write_description*/,
                                  std::string /*prefix*/) const {
  YAML::Emitter out;
  out << YAML::BeginMap;
  for (const CLI::Option* option : app->get_options()) {
    if (!option->get_configurable() || option->get_lnames().empty()) continue;
    std::vector<std::string> values = option->results();
    if (values.empty() && default_also && !option->get_default_str().empty()) values = {option->get_default_str()};
    if (values.empty()) continue;
    out << YAML::Key << option->get_lnames().front() << YAML::Value;
    if (option->get_items_expected_max() > 1) {
      out << YAML::Flow << values;
    } else {
      out << values.back();
    }
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

void add_serve_config_file(CLI::App& app, CLI::App& serve) {
  auto reader = std::make_shared<YamlConfig>(serve);
  app.config_formatter(reader);
  CLI::Option* carrier = app.set_config(kCarrier, "", "The serve config file (use serve --config)");
  carrier->group("");  // hidden: serve --config is the documented way
  serve.preparse_callback([carrier, reader](std::size_t) {
    const char* path = std::getenv("PIPETRACE_CONFIG");
    if (path == nullptr || *path == '\0' || carrier->count() > 0) return;
    carrier->add_result(path);
    reader->set_file(path);
  });
  serve
      .add_option_function<std::string>(
          "--config",
          [carrier, reader](const std::string& path) {
            // Replaces a PIPETRACE_CONFIG file: one file at a time.
            carrier->clear();
            carrier->add_result(path);
            reader->set_file(path);
          },
          "YAML file of settings: keys are these flags' long names without dashes (listen-addr: \":8080\", "
          "namespace: [a, b]); flags win over it, it wins over environment variables")
      ->envname("PIPETRACE_CONFIG")
      ->type_name("FILE")
      ->configurable(false)
      ->trigger_on_parse()
      ->group("Configuration");
}

}  // namespace pipetrace
