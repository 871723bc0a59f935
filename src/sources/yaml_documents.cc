// Splitting a YAML stream into documents; see yaml_documents.h. YAML forbids
// "---" and "..." at the start of a line inside any scalar, so a marker line
// is always a document boundary.
#include "sources/yaml_documents.h"

#include <algorithm>

namespace pipetrace {
namespace {

bool is_marker(std::string_view line, std::string_view marker) {
  if (!line.starts_with(marker)) return false;
  return line.size() == marker.size() || line[marker.size()] == ' ' || line[marker.size()] == '\t' ||
         line[marker.size()] == '\r';
}

// Whether a line carries document content (a "--- value" marker line can).
bool has_content(std::string_view line) {
  std::size_t start = line.find_first_not_of(" \t\r");
  if (start == std::string_view::npos) return false;
  if (line[start] == '#') return false;
  if (start == 0 && line[0] == '%') return false;  // %YAML / %TAG directives
  if (is_marker(line, "---")) return line.find_first_not_of(" \t\r", 3) != std::string_view::npos &&
                                     line[line.find_first_not_of(" \t\r", 3)] != '#';
  return true;
}

}  // namespace

std::vector<YamlDocumentText> split_yaml_documents(std::string_view text) {
  std::vector<YamlDocumentText> documents;
  std::size_t doc_start = 0;
  std::size_t first_content_line = 0;  // 0: none yet
  std::size_t line_number = 0;
  std::size_t pos = 0;
  auto close = [&](std::size_t end) {
    if (first_content_line != 0) documents.push_back({text.substr(doc_start, end - doc_start), first_content_line});
    first_content_line = 0;
  };
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    ++line_number;
    if (is_marker(line, "---")) {
      close(pos);
      doc_start = pos;
      if (has_content(line)) first_content_line = line_number;
    } else if (is_marker(line, "...")) {
      close(pos);
      doc_start = std::min(end + 1, text.size());  // what follows "..." starts afresh
    } else if (first_content_line == 0 && has_content(line)) {
      first_content_line = line_number;
    }
    pos = end + 1;
  }
  close(text.size());
  return documents;
}

}  // namespace pipetrace
