// Test support: turns the fixture files into the objects they hold (YAML
// documents, Lists and bare arrays expanded, watch lines' "object"), each
// with the kind the test expects it to be, worked out independently of the
// extractor (its own "kind", its List's kind, or the file's name).
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "extract/object_extractor.h"
#include "sources/yaml_to_json.h"

namespace pipetrace::testing {

inline std::filesystem::path fixtures_dir() { return std::filesystem::path(PIPETRACE_TESTDATA) / "fixtures"; }

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string read_fixture(const std::string& relative) { return read_file(fixtures_dir() / relative); }

struct FixtureObject {
  std::string where;          // "pods/pod-failed.yaml #1"
  std::string json;           // the object alone, keys in their original order
  std::string kind_hint;      // the enclosing List's kind, if any
  std::string expected_kind;  // "" when neither the object, its List nor the file name says
};

// Objects without a kind of their own that the fixtures README describes.
inline std::string kind_from_file_name(const std::filesystem::path& file) {
  std::string name = file.filename().string();
  if (name == "record.yaml") return "ActivityRecord";
  if (name == "expected-pr.yml") return "PipelineRun";
  if (name.ends_with(".taskrun.json")) return "TaskRun";
  if (name.ends_with(".pipelinerun.json")) return "PipelineRun";
  if (name.ends_with(".events.json")) return "Event";
  return {};
}

inline void add_objects(const nlohmann::ordered_json& node, const std::filesystem::path& file, const std::string& hint,
                        std::vector<FixtureObject>& out) {
  if (node.is_array()) {
    for (const auto& element : node) add_objects(element, file, hint, out);
    return;
  }
  if (!node.is_object()) return;
  std::string kind = node.contains("kind") && node["kind"].is_string() ? node["kind"].get<std::string>() : "";
  if (node.contains("items") && node["items"].is_array() && (kind.empty() || kind.ends_with("List"))) {
    for (const auto& item : node["items"]) add_objects(item, file, kind, out);
    return;
  }
  FixtureObject object;
  object.where = std::filesystem::relative(file, fixtures_dir()).string() + " #" + std::to_string(out.size());
  object.json = node.dump();
  object.kind_hint = hint;
  object.expected_kind = kind;
  if (object.expected_kind.empty() && hint.ends_with("List") && hint != "List") {
    object.expected_kind = hint.substr(0, hint.size() - 4);
  }
  if (object.expected_kind.empty()) object.expected_kind = kind_from_file_name(file);
  out.push_back(std::move(object));
}

// Fails (returns a message) only when the file itself cannot be read as
// YAML or JSON.
inline std::string load_fixture_objects(const std::filesystem::path& file, std::vector<FixtureObject>& out) {
  std::string text = read_file(file);
  std::string extension = file.extension().string();
  try {
    if (extension == ".jsonl") {
      std::istringstream lines(text);
      std::string line;
      while (std::getline(lines, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        auto event = nlohmann::ordered_json::parse(line);
        if (event.contains("object")) add_objects(event["object"], file, "", out);
      }
    } else if (extension == ".json") {
      add_objects(nlohmann::ordered_json::parse(text), file, "", out);
    } else {
      YamlConversion converted = yaml_to_json(text);
      if (!converted.error.empty()) return converted.error;
      for (const std::string& document : converted.documents) {
        add_objects(nlohmann::ordered_json::parse(document), file, "", out);
      }
    }
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

// Every file under the fixture folders that hold Kubernetes objects.
inline std::vector<std::string> object_fixture_files() {
  std::vector<std::string> files;
  for (const char* folder : {"tekton", "jx", "lighthouse", "pods", "events", "watch"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(fixtures_dir() / folder)) {
      if (entry.is_regular_file()) files.push_back(std::filesystem::relative(entry.path(), fixtures_dir()).string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The objects of one fixture file, which the test expects to hold exactly one
// object of the given kind (or several, taking the first).
inline std::vector<FixtureObject> fixture_objects(const std::string& relative) {
  std::vector<FixtureObject> objects;
  std::string problem = load_fixture_objects(fixtures_dir() / relative, objects);
  if (!problem.empty()) throw std::runtime_error(relative + ": " + problem);
  return objects;
}

// Extracts the first object of `relative` of the given kind and returns its
// record of type Record; throws when there is none or it does not extract.
template <class Record>
Record extract_fixture(const std::string& relative, const std::string& kind, std::size_t nth = 0) {
  for (const FixtureObject& object : fixture_objects(relative)) {
    if (object.expected_kind != kind) continue;
    if (nth-- > 0) continue;
    ExtractResult result = extract_object_json(object.json, object.kind_hint);
    if (result.status != ExtractStatus::Ok) throw std::runtime_error(object.where + ": " + result.message);
    return std::get<Record>(*result.record);
  }
  throw std::runtime_error(relative + ": no " + kind + " object");
}

}  // namespace pipetrace::testing
