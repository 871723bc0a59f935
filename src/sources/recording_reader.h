// Reads recordings (docs/recording-format.md): watch-event JSON lines,
// webhook lines, and plain JSON/YAML objects or Lists, in any mix.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "extract/records.h"

namespace pipetrace {

// Why an input line or document was not used. Reported, never fatal.
struct ReadProblem {
  std::string file;
  std::size_t line = 0;  // 1-based; for a YAML document, the line it starts on
  std::string reason;
  // True for a watch ERROR line (e.g. Status 410 Gone): the API server said
  // so itself and a client relists; the recording is not at fault.
  bool expected = false;
};

struct ReadSummary {
  std::size_t events = 0;    // ObservedEvents delivered
  std::size_t ignored = 0;   // valid objects of kinds pipetrace does not trace
  std::size_t problems = 0;  // lines or documents reported as unusable
  std::size_t bookmarks = 0;
  std::size_t watch_errors = 0;  // watch ERROR lines: reported as expected problems, not in `problems`
  bool unreadable = false;       // the input could not be opened, or not read to its end
};

class RecordingReader {
 public:
  // Each event is handed over once: a handler may move from it (the tracer
  // takes its record without a copy), or take it as `const ObservedEvent&`.
  using EventHandler = std::function<void(ObservedEvent&&)>;
  using ProblemHandler = std::function<void(const ReadProblem&)>;

  RecordingReader(EventHandler on_event, ProblemHandler on_problem);

  // Reads a file ("-" is standard input). Detects the form from the content:
  // JSON lines, one JSON document, or YAML.
  ReadSummary read_file(const std::string& path);
  // Reads text already in memory; `name` is used in problem reports.
  ReadSummary read_text(std::string_view text, const std::string& name);
  // The same for text that already carries simdjson's padding: read in
  // place, without a copy.
  ReadSummary read_padded(const simdjson::padded_string& text, const std::string& name);

  // JSON-lines files are read this many bytes at a time. Each chunk is
  // copied in by the kernel and then parsed: one small enough to stay in
  // the core's cache between the two is parsed from the cache. Replaying a
  // 270 MB recording took a quarter less time than with 8 MiB chunks.
  static constexpr std::size_t kChunkBytes = 1 << 20;

 private:
  EventHandler on_event_;
  ProblemHandler on_problem_;
};

}  // namespace pipetrace
