// Kind hints from List kinds and file names; see kind_hint.h.
#include "sources/kind_hint.h"

#include <array>
#include <utility>

namespace pipetrace {
namespace {

// Words that dumps and fixtures use in file names for the kinds we trace.
constexpr std::array<std::pair<std::string_view, std::string_view>, 22> kNameWords{{
    {"pod", "Pod"},
    {"pods", "Pod"},
    {"podlist", "Pod"},
    {"event", "Event"},
    {"events", "Event"},
    {"eventlist", "Event"},
    {"taskrun", "TaskRun"},
    {"taskruns", "TaskRun"},
    {"tr", "TaskRun"},
    {"pipelinerun", "PipelineRun"},
    {"pipelineruns", "PipelineRun"},
    {"pr", "PipelineRun"},
    {"lighthousejob", "LighthouseJob"},
    {"lighthousejobs", "LighthouseJob"},
    {"lhjob", "LighthouseJob"},
    {"lhjobs", "LighthouseJob"},
    {"activity", "PipelineActivity"},
    {"activities", "PipelineActivity"},
    {"pipelineactivity", "PipelineActivity"},
    {"pipelineactivities", "PipelineActivity"},
    {"record", "ActivityRecord"},
    {"activityrecord", "ActivityRecord"},
}};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

}  // namespace

std::string kind_hint_from_file_name(std::string_view path) {
  std::string_view base = path.substr(path.find_last_of('/') == std::string_view::npos ? 0 : path.find_last_of('/') + 1);
  std::string_view stem = base.substr(0, base.find_last_of('.'));
  if (stem.empty()) return {};
  // The word after the last dot ("x.taskruns"), else after the last dash or
  // underscore ("expected-pr").
  std::string_view word = stem;
  if (auto dot = stem.find_last_of('.'); dot != std::string_view::npos) word = stem.substr(dot + 1);
  if (auto dash = word.find_last_of("-_"); dash != std::string_view::npos) word = word.substr(dash + 1);
  std::string key = lower(word);
  for (const auto& [name, kind] : kNameWords) {
    if (key == name) return std::string(kind);
  }
  return {};
}

std::string_view item_kind_of_list(std::string_view list_kind) {
  constexpr std::string_view suffix = "List";
  if (list_kind.size() <= suffix.size() || !list_kind.ends_with(suffix)) return {};
  return list_kind.substr(0, list_kind.size() - suffix.size());
}

}  // namespace pipetrace
