// Reads Kubernetes objects from the test fixtures: JSON or YAML, one object,
// several YAML documents, a List (items may lack apiVersion/kind) or a bare
// array. Used by the test API server to fill itself at start.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace pipetrace::testing {

using Json = nlohmann::ordered_json;

struct ObjectFile {
  std::vector<Json> objects;
  std::string error;  // names the file and what is wrong with it
};

// Flattens Lists and arrays into their items; items of a "FooList" without
// kind/apiVersion get "Foo" and the list's apiVersion.
ObjectFile read_object_file(const std::string& path);
ObjectFile parse_objects(std::string_view text, const std::string& name);

// One YAML text (possibly several documents) as JSON values. Plain scalars
// are typed (null, booleans, integers, floats); quoted ones and timestamps
// stay strings, as the API server would have them.
std::vector<Json> yaml_documents(std::string_view text, std::string& error);

}  // namespace pipetrace::testing
