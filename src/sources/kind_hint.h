// Kind hints for objects that do not name their kind: from a List's kind, or
// from a file's name when it follows the "<what>.<kind>s.json" or
// "<state>-<kind>.yaml" habit of dumps and fixtures.
#pragma once

#include <string>
#include <string_view>

namespace pipetrace {

// "dashboard-failed.taskruns.json" -> "TaskRun"; "expected-pr.yml" ->
// "PipelineRun"; "" when the name says nothing we know.
std::string kind_hint_from_file_name(std::string_view path);

// "PodList" -> "Pod"; "List" or anything not ending in "List" -> "".
std::string_view item_kind_of_list(std::string_view list_kind);

}  // namespace pipetrace
