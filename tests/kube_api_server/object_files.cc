// Object file reading for the test API server (see object_files.h).
#include "object_files.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace pipetrace::testing {
namespace {

Json scalar_value(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() != "?") return text;  // quoted, or explicitly tagged: a string
  static const std::regex null_re("~|null|Null|NULL|");
  static const std::regex true_re("true|True|TRUE");
  static const std::regex false_re("false|False|FALSE");
  static const std::regex int_re("[-+]?[0-9]+");
  static const std::regex float_re(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (std::regex_match(text, null_re)) return nullptr;
  if (std::regex_match(text, true_re)) return true;
  if (std::regex_match(text, false_re)) return false;
  try {
    if (std::regex_match(text, int_re)) return std::stoll(text);
    if (std::regex_match(text, float_re)) return std::stod(text);
  } catch (const std::exception&) {
    // Out of range: keep the text.
  }
  return text;
}

Json to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      return scalar_value(node);
    case YAML::NodeType::Sequence: {
      Json array = Json::array();
      for (const auto& item : node) array.push_back(to_json(item));
      return array;
    }
    case YAML::NodeType::Map: {
      Json object = Json::object();
      for (const auto& kv : node) object[kv.first.as<std::string>()] = to_json(kv.second);
      return object;
    }
    default:
      return nullptr;
  }
}

void flatten(const Json& value, std::vector<Json>& out) {
  if (value.is_array()) {
    for (const auto& item : value) flatten(item, out);
    return;
  }
  if (!value.is_object()) return;
  std::string kind = value.contains("kind") && value["kind"].is_string() ? value["kind"].get<std::string>() : "";
  if (value.contains("items") && value["items"].is_array() &&
      (kind == "List" || (kind.size() > 4 && kind.ends_with("List")))) {
    std::string item_kind = kind == "List" ? "" : kind.substr(0, kind.size() - 4);
    std::string api_version = value.value("apiVersion", "");
    for (Json item : value["items"]) {
      if (!item.is_object()) continue;
      if (!item.contains("kind") && !item_kind.empty()) item["kind"] = item_kind;
      if (!item.contains("apiVersion") && !api_version.empty()) item["apiVersion"] = api_version;
      flatten(item, out);
    }
    return;
  }
  out.push_back(value);
}

}  // namespace

std::vector<Json> yaml_documents(std::string_view text, std::string& error) {
  std::vector<Json> documents;
  try {
    for (const auto& doc : YAML::LoadAll(std::string(text))) {
      if (doc.IsNull()) continue;
      documents.push_back(to_json(doc));
    }
  } catch (const YAML::Exception& e) {
    error = e.what();
  }
  return documents;
}

ObjectFile parse_objects(std::string_view text, const std::string& name) {
  ObjectFile file;
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) {
    Json parsed = Json::parse(text, nullptr, false);
    if (!parsed.is_discarded()) {
      flatten(parsed, file.objects);
      return file;
    }
    // Not JSON after all (a YAML flow mapping): fall through to YAML.
  }
  std::string error;
  for (const auto& doc : yaml_documents(text, error)) flatten(doc, file.objects);
  if (!error.empty()) file.error = name + ": not valid YAML or JSON: " + error;
  return file;
}

ObjectFile read_object_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {{}, "cannot read " + path};
  std::ostringstream text;
  text << in.rdbuf();
  return parse_objects(text.str(), path);
}

}  // namespace pipetrace::testing
