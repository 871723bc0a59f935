// Reads status conditions (see condition_reader.h).
#include "extract/condition_reader.h"

namespace pipetrace {
namespace {

bool read_condition(json::od::value& value, ConditionRecord& condition) {
  return json::for_each_field(value, [&](json::od::raw_json_string key, json::od::value& field) {
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
  json::for_each_element(conditions, [&](json::od::value& element) {
    ConditionRecord condition;
    if (read_condition(element, condition)) out.push_back(std::move(condition));
  });
}

void read_succeeded_condition(json::od::value& conditions, std::optional<ConditionRecord>& out) {
  json::for_each_element(conditions, [&](json::od::value& element) {
    ConditionRecord condition;
    if (read_condition(element, condition) && condition.type == "Succeeded") out = std::move(condition);
  });
}

}  // namespace pipetrace
