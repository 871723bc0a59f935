// Splits a YAML stream into its documents at "---" / "..." marker lines, so
// that each document is converted on its own (one bad document does not
// cost the others) and reported at the line where it starts.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace pipetrace {

struct YamlDocumentText {
  std::string_view text;    // from its first line up to the next marker
  std::size_t first_line;   // 1-based line of its first content line
};

// Documents holding only blank lines, comments or directives are left out.
std::vector<YamlDocumentText> split_yaml_documents(std::string_view text);

}  // namespace pipetrace
