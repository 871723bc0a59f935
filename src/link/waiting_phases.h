// What only a live observer can see: the waiting phases a resource passes
// through before it runs (a TaskRun resolving its Task, a PipelineRun held
// pending, a pod unschedulable or creating its containers). Objects keep
// only their latest condition, so the tracer notes each change of waiting
// reason with the time it was observed, and the span builders turn the
// history into span events and child spans.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "extract/records.h"

namespace pipetrace {

// One observed change: from `at` on, the resource waited for `reason`
// ("" = it no longer waits). Only this is kept per change, never the record.
struct WaitTransition {
  std::string reason;
  TimeNs at = 0;
};

// Transitions in order of observation time; consecutive entries differ.
using WaitHistory = std::vector<WaitTransition>;

// A stuck pod can flap between ErrImagePull and ImagePullBackOff for hours:
// past this many transitions only the end of waiting is still noted.
inline constexpr std::size_t kMaxWaitTransitions = 32;

// Why the resource in this state waits, as the object says it ("" when it
// does not wait): PipelineRun PipelineRunPending / ResolvingPipelineRef,
// TaskRun ResolvingTaskRef / Pending / ..., a pod's PodScheduled=False
// reason (Unschedulable) or, while Pending, its first waiting container's
// reason (PodInitializing, ContainerCreating, ErrImagePull, ...).
std::string waiting_reason(const ResourceRecord& record);

// Live: observations of one object arrive in time order (one watch), so
// only the transitions are kept. observed_at 0 (the source gave no time) is
// ignored; an observation that does come late still lands in time order and
// moves a phase's first sighting earlier.
void note_wait(WaitHistory& history, const std::string& reason, TimeNs observed_at);

// Replay, where events may come in any order: every observation is kept
// (sorted by time, then reason; at most kMaxWaitObservations) until the
// spans are built, so that any order gives the same phases.
inline constexpr std::size_t kMaxWaitObservations = 256;
void note_wait_observation(WaitHistory& history, const std::string& reason, TimeNs observed_at);

// The transitions of a history: consecutive equal reasons collapsed, and no
// leading "not waiting". A live history is returned unchanged.
WaitHistory wait_transitions(const WaitHistory& history);

// The pipetrace.wait.kind of a phase, in the store's and analyze's terms:
// "scheduling" (no node yet), "image-pull" (ErrImagePull, ImagePullBackOff)
// or "queue" (anything else before the start).
const char* wait_kind_of(std::string_view reason);

// The span name of a phase: "ResolvingTaskRef" -> "resolving task ref".
std::string wait_phase_name(std::string_view reason);

}  // namespace pipetrace
