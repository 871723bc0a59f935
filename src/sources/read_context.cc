// Where the recording reader's findings go; see read_context.h.
#include "sources/read_context.h"

#include "sources/kind_hint.h"

namespace pipetrace {

ReadContext::ReadContext(const std::string& name, const RecordingReader::EventHandler& on_event,
                         const RecordingReader::ProblemHandler& on_problem)
    : name_(name), file_kind_hint_(kind_hint_from_file_name(name)), on_event_(on_event), on_problem_(on_problem) {}

void ReadContext::problem(std::size_t line, std::string reason) {
  ++summary_.problems;
  if (on_problem_) on_problem_(ReadProblem{name_, line, std::move(reason), false});
}

void ReadContext::watch_error(std::size_t line, std::string reason) {
  ++summary_.watch_errors;
  if (on_problem_) on_problem_(ReadProblem{name_, line, std::move(reason), true});
}

void ReadContext::take(ExtractStatus status, std::string&& message, ObservedEvent&& event, std::size_t line) {
  switch (status) {
    case ExtractStatus::Ok:
      ++summary_.events;
      if (on_event_) on_event_(std::move(event));
      break;
    case ExtractStatus::Ignored:
      ++summary_.ignored;
      break;
    case ExtractStatus::Error:
      problem(line, message.empty() ? "object could not be read" : std::move(message));
      break;
  }
}

void ReadContext::take(ExtractResult&& result, WatchType type, TimeNs observed_at, std::size_t line) {
  if (result.status == ExtractStatus::Ok && !result.record) {
    problem(line, "extractor reported success without a record");
    return;
  }
  ObservedEvent event{type, observed_at, result.record ? std::move(*result.record) : ResourceRecord()};
  take(result.status, std::move(result.message), std::move(event), line);
}

}  // namespace pipetrace
