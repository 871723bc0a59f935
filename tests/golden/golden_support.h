// Replays files through the reader and tracer the way `pipetrace replay`
// does, and compares the result with golden text files.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "link/tracer.h"
#include "sources/recording_reader.h"
#include "trace_text.h"

namespace pipetrace::golden {

struct ReplayResult {
  std::vector<Span> spans;
  std::vector<ReadProblem> problems;
  ReadSummary summary;
  std::size_t events = 0;
};

inline ReplayResult replay_events(const std::vector<ObservedEvent>& events) {
  ReplayResult r;
  CollectingSink sink;
  ManualClock clock(0);
  TracerOptions options;
  options.defer_until_flush = true;
  Tracer tracer(options, sink, clock);
  for (const auto& e : events) tracer.observe(e);
  tracer.flush();
  r.spans = std::move(sink.spans);
  r.events = events.size();
  return r;
}

inline std::vector<ObservedEvent> read_events(const std::vector<std::string>& files, ReplayResult* into = nullptr) {
  std::vector<ObservedEvent> events;
  std::vector<ReadProblem> problems;
  RecordingReader reader([&](const ObservedEvent& e) { events.push_back(e); },
                         [&](const ReadProblem& p) { problems.push_back(p); });
  for (const auto& f : files) {
    ReadSummary s = reader.read_file(f);
    if (into) {
      into->summary.events += s.events;
      into->summary.ignored += s.ignored;
      into->summary.problems += s.problems;
    }
  }
  if (into) into->problems = problems;
  return events;
}

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Compares with the golden file; PIPETRACE_UPDATE_GOLDEN=1 rewrites it instead.
inline void expect_golden(const std::string& actual, const std::filesystem::path& golden) {
  if (const char* update = std::getenv("PIPETRACE_UPDATE_GOLDEN"); update && std::string(update) == "1") {
    std::filesystem::create_directories(golden.parent_path());
    std::ofstream(golden, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(golden)) << golden << " is missing; run with PIPETRACE_UPDATE_GOLDEN=1";
  std::string expected = read_text(golden);
  EXPECT_EQ(actual, expected) << "trace differs from " << golden
                              << " (if the change is intended, rerun with PIPETRACE_UPDATE_GOLDEN=1 and review the diff)";
}

}  // namespace pipetrace::golden
