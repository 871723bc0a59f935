// Recognising a recording's form; see recording_form.h.
#include "sources/recording_form.h"

#include <simdjson.h>

namespace pipetrace {
namespace {

// How far into a file to look for an event line: a recording that starts
// with a few damaged lines is still a recording.
constexpr int kLinesToProbe = 16;

std::string_view trim(std::string_view s) {
  std::size_t start = s.find_first_not_of(" \t\r");
  if (start == std::string_view::npos) return {};
  std::size_t end = s.find_last_not_of(" \t\r");
  return s.substr(start, end - start + 1);
}

bool is_event_type(std::string_view type) {
  return type == "ADDED" || type == "MODIFIED" || type == "DELETED" || type == "BOOKMARK" || type == "ERROR" ||
         type == "WEBHOOK";
}

struct LineProbe {
  bool complete_object = false;  // the line alone is one whole JSON object
  bool event = false;            // ... with a recorded-event "type"
};

LineProbe probe(simdjson::dom::parser& parser, std::string_view line) {
  LineProbe result;
  if (line.empty() || line.front() != '{' || line.back() != '}') return result;
  simdjson::dom::object object;
  if (parser.parse(line.data(), line.size()).get_object().get(object) != simdjson::SUCCESS) return result;
  result.complete_object = true;
  std::string_view type;
  result.event = object.at_key("type").get_string().get(type) == simdjson::SUCCESS && is_event_type(type);
  return result;
}

}  // namespace

RecordingForm detect_recording_form(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 byte order mark
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return RecordingForm::Empty;

  simdjson::dom::parser parser;
  int probed = 0;
  bool first_line_complete = false;
  bool more_lines = false;
  std::size_t pos = first;
  while (pos < text.size() && probed < kLinesToProbe) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    if (line.empty()) continue;
    if (probed == 1) more_lines = true;
    LineProbe result = probe(parser, line);
    if (result.event) return RecordingForm::JsonLines;
    if (probed == 0) first_line_complete = result.complete_object;
    ++probed;
  }
  char c = text[first];
  if (c == '{' || c == '[') {
    // Newline-delimited plain objects read best line by line: a bad line
    // then costs only itself.
    return first_line_complete && more_lines ? RecordingForm::JsonLines : RecordingForm::JsonDocuments;
  }
  return RecordingForm::Yaml;
}

}  // namespace pipetrace
