// Reads status conditions (see condition_reader.h).
#include "extract/condition_reader.h"

#include <algorithm>
#include <iterator>

namespace pipetrace {
namespace {

bool read_condition(json::od::value& value, ConditionRecord& condition) {
  return json::for_each_field(value, [&](std::string_view key, json::od::value& field) {
    if (key == "type") {
      json::read_string(field, condition.type);
    } else if (key == "status") {
      json::read_string(field, condition.status);
    } else if (key == "reason") {
      json::read_string(field, condition.reason);
    } else if (key == "message") {
      json::read_string(field, condition.message);
    } else if (key == "lastTransitionTime") {
      condition.last_transition = json::as_time(field);
    }
  });
}

}  // namespace

void read_conditions(json::od::value& conditions, std::vector<ConditionRecord>& out) {
  // Gathered apart first so that `out` is allocated once at its final size
  // rather than grown (and its conditions moved) one condition at a time.
  thread_local std::vector<ConditionRecord> found;
  found.clear();
  json::for_each_element(conditions, [&](json::od::value& element) {
    ConditionRecord& condition = found.emplace_back();
    if (!read_condition(element, condition)) found.pop_back();
  });
  out.reserve(out.size() + found.size());
  std::move(found.begin(), found.end(), std::back_inserter(out));
}

void read_succeeded_condition(json::od::value& conditions, std::optional<ConditionRecord>& out) {
  json::for_each_element(conditions, [&](json::od::value& element) {
    ConditionRecord condition;
    if (read_condition(element, condition) && condition.type == "Succeeded") out = std::move(condition);
  });
}

}  // namespace pipetrace
