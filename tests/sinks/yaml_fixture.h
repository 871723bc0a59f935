// Reads the Collector's YAML golden traces (testdata/fixtures/otlp/*.yaml)
// into JSON with YAML's own typing: quoted scalars stay strings, plain
// integers and booleans become JSON numbers and booleans.
#pragma once

#include <charconv>
#include <string>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace pipetrace::testing {

inline nlohmann::json yaml_to_json_value(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json object = nlohmann::json::object();
      for (const auto& entry : node) object[entry.first.as<std::string>()] = yaml_to_json_value(entry.second);
      return object;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json array = nlohmann::json::array();
      for (const auto& element : node) array.push_back(yaml_to_json_value(element));
      return array;
    }
    case YAML::NodeType::Scalar: {
      const std::string& text = node.Scalar();
      if (node.Tag() == "!") return text;  // quoted
      std::int64_t number = 0;
      const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (ec == std::errc() && ptr == text.data() + text.size() && !text.empty()) return number;
      if (text == "true") return true;
      if (text == "false") return false;
      return text;
    }
    default:
      return nullptr;
  }
}

inline nlohmann::json load_yaml_fixture(const std::string& path) { return yaml_to_json_value(YAML::LoadFile(path)); }

}  // namespace pipetrace::testing
