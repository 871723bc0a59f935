// Result mapping. Tekton reasons come from its API docs (Succeeded/Completed,
// Failed, *Timeout, *Cancelled, StoppedRunFinally...); anything else that
// reports False is an error of the system rather than of the build.
#include "link/outcome.h"

#include <algorithm>
#include <cctype>

namespace pipetrace {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

Outcome tekton_outcome(const std::optional<ConditionRecord>& c, const std::string& spec_status) {
  Outcome o;
  if (!c) return o;
  o.reason = c->reason;
  o.message = c->message;
  std::string reason = lower(c->reason);
  if (c->status == "True") {
    o.result = "success";
  } else if (c->status == "False") {
    if (contains(reason, "timeout") || contains(reason, "timedout")) {
      o.result = "timeout";
    } else if (contains(reason, "cancel") || contains(reason, "stopped") || spec_status.starts_with("Cancelled") ||
               spec_status.starts_with("Stopped")) {
      o.result = "cancellation";
    } else if (reason == "failed" || reason.empty() || contains(reason, "failed") || reason == "error") {
      o.result = "failure";
    } else {
      o.result = "error";
    }
  }
  return o;
}

Outcome lighthouse_outcome(const std::string& state, const std::string& description) {
  Outcome o;
  o.reason = state;
  o.message = description;
  if (state == "success") o.result = "success";
  else if (state == "failure") o.result = "failure";
  else if (state == "error") o.result = "error";
  else if (state == "aborted") o.result = "cancellation";
  return o;
}

Outcome activity_outcome(const std::string& status, const std::string& message) {
  Outcome o;
  o.reason = status;
  o.message = message;
  std::string s = lower(status);
  if (s == "succeeded" || s == "success") o.result = "success";
  else if (s == "failed" || s == "failure") o.result = "failure";
  else if (s == "error") o.result = "error";
  else if (s == "aborted" || s == "cancelled") o.result = "cancellation";
  else if (s == "timedout") o.result = "timeout";
  else if (s == "notexecuted" || s == "skipped") o.result = "skip";
  return o;
}

Outcome pod_outcome(const PodRecord& pod) {
  Outcome o;
  o.reason = pod.reason;
  o.message = pod.message;
  if (pod.phase == "Succeeded") {
    o.result = "success";
  } else if (pod.phase == "Failed") {
    o.result = "failure";
    if (o.reason.empty()) {
      for (const auto& c : pod.containers) {
        if (c.exit_code && *c.exit_code != 0) {
          o.reason = c.reason;
          o.message = "container " + c.container + " exited with code " + std::to_string(*c.exit_code);
          break;
        }
      }
    }
  }
  return o;
}

Outcome step_outcome(const StepRecord& step) {
  Outcome o;
  o.reason = step.reason;
  o.message = step.message;
  if (step.state == "terminated" || step.exit_code) {
    if (step.exit_code && *step.exit_code == 0) {
      o.result = "success";
    } else {
      std::string reason = lower(step.reason);
      if (contains(reason, "timeout")) o.result = "timeout";
      else if (contains(reason, "cancel")) o.result = "cancellation";
      else o.result = "failure";
      if (o.message.empty() && step.exit_code) o.message = "exited with code " + std::to_string(*step.exit_code);
    }
  } else if (!step.status.empty()) {
    return activity_outcome(step.status, step.message);
  }
  return o;
}

}  // namespace pipetrace
