// Fuzz target: a whole recording through RecordingReader::read_text, which
// detects the form (watch-event or webhook JSON lines, JSON documents, YAML)
// and so reaches the event-line reader, the YAML converter and every
// extractor. Problems are reported, never fatal: the target only checks that
// the summary's counts agree with what the handlers saw.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sources/recording_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::size_t events = 0, problems = 0;
  pipetrace::RecordingReader reader([&](const pipetrace::ObservedEvent&) { ++events; },
                                    [&](const pipetrace::ReadProblem& problem) {
                                      if (!problem.expected) ++problems;
                                    });
  pipetrace::ReadSummary summary =
      reader.read_text(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz-input");
  if (summary.events != events || summary.problems != problems) std::abort();
  return 0;
}
