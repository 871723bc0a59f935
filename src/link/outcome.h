// Maps each kind's own words for how a run ended onto the OpenTelemetry CICD
// result values (success, failure, error, timeout, cancellation, skip).
#pragma once

#include <optional>
#include <string>

#include "extract/records.h"

namespace pipetrace {

struct Outcome {
  std::string result;  // "" while unfinished or unknown
  std::string reason;
  std::string message;
  bool failed() const { return !result.empty() && result != "success" && result != "skip"; }
};

Outcome tekton_outcome(const std::optional<ConditionRecord>& succeeded, const std::string& spec_status);
Outcome lighthouse_outcome(const std::string& state, const std::string& description);
Outcome activity_outcome(const std::string& status, const std::string& message);
Outcome pod_outcome(const PodRecord& pod);
Outcome step_outcome(const StepRecord& step);

}  // namespace pipetrace
