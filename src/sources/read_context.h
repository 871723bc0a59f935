// What every part of the recording reader shares while reading one input:
// where events and problems go, the running summary, and the kind hint the
// file's name gives.
#pragma once

#include <exception>
#include <optional>
#include <string>

#include "extract/object_extractor.h"
#include "sources/recording_reader.h"

namespace pipetrace {

class ReadContext {
 public:
  ReadContext(const std::string& name, const RecordingReader::EventHandler& on_event,
              const RecordingReader::ProblemHandler& on_problem);

  const std::string& name() const { return name_; }
  // Kind for objects that name none, from the file's name ("x.taskruns.json").
  const std::string& file_kind_hint() const { return file_kind_hint_; }
  ReadSummary& summary() { return summary_; }

  void problem(std::size_t line, std::string reason);
  // A watch ERROR line: reported, counted apart from unusable input.
  void watch_error(std::size_t line, std::string reason);
  // Delivers an Ok result, counts an Ignored one, reports an Error one.
  void take(ExtractResult&& result, WatchType type, TimeNs observed_at, std::size_t line);
  // The same for a record extracted in place into `event` (extract_object_into).
  void take(ExtractStatus status, std::string&& message, ObservedEvent&& event, std::size_t line);

  // The event a watch line's object is extracted into, one per input: a
  // record the handler leaves where it is (an Event's, which the tracer
  // only reads) lends its strings' buffers to the next line's record of
  // the same kind, instead of a dozen allocations a line.
  ObservedEvent& event_scratch() { return event_scratch_; }

 private:
  const std::string& name_;
  std::string file_kind_hint_;
  const RecordingReader::EventHandler& on_event_;
  const RecordingReader::ProblemHandler& on_problem_;
  ReadSummary summary_;
  ObservedEvent event_scratch_;
};

// Runs an extractor, turning anything it throws into an Error result: one
// malformed object costs its line, never the replay. (Exceptions from the
// event and problem handlers are the caller's and pass through.)
template <typename Extract>
ExtractResult guarded_extract(Extract&& extract) {
  try {
    return extract();
  } catch (const std::exception& e) {
    ExtractResult failed;
    failed.status = ExtractStatus::Error;
    failed.message = std::string("could not read the object: ") + e.what();
    return failed;
  }
}

}  // namespace pipetrace
