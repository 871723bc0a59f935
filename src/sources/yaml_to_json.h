// Converts YAML documents (as kubectl and test fixtures write them) to JSON
// text, so that one JSON extractor serves both.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pipetrace {

struct YamlConversion {
  std::vector<std::string> documents;  // one JSON text per non-empty YAML document
  std::string error;                   // set when the text is not valid YAML; names line and column
};

// Scalars are typed as YAML 1.2 core would (true/false, integers, floats,
// null), except that timestamps stay strings: unquoted dates in real
// fixtures must reach the extractors as RFC 3339 text.
YamlConversion yaml_to_json(std::string_view text);

}  // namespace pipetrace
