// Where the recording reader's findings go; see read_context.h.
#include "sources/read_context.h"

#include "sources/kind_hint.h"

namespace pipetrace {

ReadContext::ReadContext(const std::string& name, const RecordingReader::EventHandler& on_event,
                         const RecordingReader::ProblemHandler& on_problem)
    : name_(name), file_kind_hint_(kind_hint_from_file_name(name)), on_event_(on_event), on_problem_(on_problem) {}

void ReadContext::deliver(WatchType type, TimeNs observed_at, ResourceRecord&& record) {
  ++summary_.events;
  if (on_event_) on_event_(ObservedEvent{type, observed_at, std::move(record)});
}

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
  switch (result.status) {
    case ExtractStatus::Ok:
      if (result.record) {
        deliver(type, observed_at, std::move(*result.record));
      } else {
        problem(line, "extractor reported success without a record");
      }
      break;
    case ExtractStatus::Ignored:
      ++summary_.ignored;
      break;
    case ExtractStatus::Error:
      problem(line, result.message.empty() ? "object could not be read" : std::move(result.message));
      break;
  }
}

}  // namespace pipetrace
