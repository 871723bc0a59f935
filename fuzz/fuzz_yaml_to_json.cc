// Fuzz target: YAML text (kubectl dumps, fixtures, configuration) through
// yaml_to_json. Every document it returns must be JSON that the extractors'
// parser accepts, since that is what they are handed next.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <simdjson.h>

#include "sources/yaml_to_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pipetrace::YamlConversion conversion =
      pipetrace::yaml_to_json(std::string_view(reinterpret_cast<const char*>(data), size));
  static simdjson::dom::parser parser;
  for (const auto& json : conversion.documents) {
    simdjson::dom::element root;
    if (parser.parse(json).get(root) != simdjson::SUCCESS) std::abort();
  }
  return 0;
}
