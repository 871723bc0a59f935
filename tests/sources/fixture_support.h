// Helpers shared by the sources tests: fixture paths and file contents, and
// a RecordingReader whose events and problems are kept for assertions.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sources/recording_reader.h"

namespace pipetrace::testing {

inline std::filesystem::path fixture(const std::string& relative) {
  return std::filesystem::path(PIPETRACE_TESTDATA) / "fixtures" / relative;
}

inline std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Sorted list of the regular files directly in a fixture folder.
inline std::vector<std::filesystem::path> files_in(const std::string& folder) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(fixture(folder))) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Keeps everything a RecordingReader reports.
struct CollectedRead {
  std::vector<ObservedEvent> events;
  std::vector<ReadProblem> problems;
  ReadSummary summary;

  RecordingReader reader() {
    return RecordingReader([this](const ObservedEvent& e) { events.push_back(e); },
                           [this](const ReadProblem& p) { problems.push_back(p); });
  }
  std::size_t count(WatchType type) const {
    std::size_t n = 0;
    for (const auto& e : events) n += e.type == type ? 1 : 0;
    return n;
  }
  template <typename Record>
  std::vector<const Record*> records() const {
    std::vector<const Record*> out;
    for (const auto& e : events) {
      if (const auto* r = std::get_if<Record>(&e.record)) out.push_back(r);
    }
    return out;
  }
};

inline CollectedRead read_fixture_file(const std::string& relative) {
  CollectedRead collected;
  collected.summary = collected.reader().read_file(fixture(relative).string());
  return collected;
}

inline CollectedRead read_text(const std::string& text, const std::string& name = "test-input") {
  CollectedRead collected;
  collected.summary = collected.reader().read_text(text, name);
  return collected;
}

}  // namespace pipetrace::testing
