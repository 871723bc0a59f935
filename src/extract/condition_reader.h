// Reads status.conditions[] (Kubernetes' and Knative/Tekton's shape).
#pragma once

#include <optional>
#include <vector>

#include "extract/json_fields.h"
#include "extract/records.h"

namespace pipetrace {

// Every condition that is an object, in order (pod conditions).
void read_conditions(json::od::value& conditions, std::vector<ConditionRecord>& out);

// Only the condition of type "Succeeded" (Tekton runs); `out` stays empty
// when there is none.
void read_succeeded_condition(json::od::value& conditions, std::optional<ConditionRecord>& out);

}  // namespace pipetrace
