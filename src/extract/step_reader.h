// Reads steps and stages, in the three vocabularies that describe them:
// container states (Pods, Tekton status.steps), Jenkins X PipelineActivity
// steps (startedTimestamp/completedTimestamp) and Lighthouse ActivityRecord
// steps (startTime/completionTime).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "extract/json_fields.h"
#include "extract/records.h"

namespace pipetrace {

// Handles a container state's "waiting" / "running" / "terminated" key,
// wherever it appears (inline in a Tekton step, under a pod container's
// "state"); returns false for any other key.
bool read_container_state_field(std::string_view key, json::od::value& value, StepRecord& step);

// A pod container's "state" object.
void read_container_state(json::od::value& state, StepRecord& step);

// A TaskRun's status.steps; a step with no name is named after its container.
void read_tekton_steps(json::od::value& steps, std::vector<StepRecord>& out);

// "step-build" -> "build", and "build-step-build" (Tekton before 0.5) -> "build".
std::string_view step_name_from_container(std::string_view container);

// Activity steps and stages of either Jenkins X or Lighthouse. A stage's
// "steps" become its steps; a Promote's "pullRequest" and "update" sub-steps
// do too. An array element that is not an object is skipped.
void read_activity_steps(json::od::value& steps, std::vector<StepRecord>& out);
bool read_activity_stage(json::od::value& stage, StageRecord& out);

// A Lighthouse ActivityRecord's "stages" and top-level "steps"; each
// top-level step becomes a stage of its own.
void read_activity_stages(json::od::value& stages, std::vector<StageRecord>& out);

}  // namespace pipetrace
