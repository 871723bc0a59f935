// Tells which of the recording forms (docs/recording-format.md) a text is
// in, from its content alone: file names and extensions are not trusted.
#pragma once

#include <string_view>

namespace pipetrace {

enum class RecordingForm {
  Empty,          // nothing but blanks
  JsonLines,      // one JSON object per line: watch events, webhooks, objects
  JsonDocuments,  // one (or several concatenated) JSON documents, any layout
  Yaml,           // YAML, possibly several documents
};

RecordingForm detect_recording_form(std::string_view text);

}  // namespace pipetrace
