// Waiting reasons per kind and the observation history (see waiting_phases.h).
#include "link/waiting_phases.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <tuple>

#include "link/record_view.h"

namespace pipetrace {
namespace {

// Tekton's reasons of a Succeeded=Unknown condition that mean "not running
// yet"; Running/Started and the finally-phase reasons are not waits.
constexpr std::array<std::string_view, 3> kPipelineRunWaits = {"ResolvingPipelineRef", "PipelineRunPending",
                                                               "Pending"};
constexpr std::array<std::string_view, 5> kTaskRunWaits = {"ResolvingTaskRef", "ResolvingStepActionRef", "Pending",
                                                           "ExceededResourceQuota", "ExceededNodeResources"};

template <std::size_t N>
std::string unknown_reason_in(const std::optional<ConditionRecord>& c, const std::array<std::string_view, N>& reasons) {
  if (!c || c->status != "Unknown") return {};
  bool known = std::find(reasons.begin(), reasons.end(), c->reason) != reasons.end();
  return known ? c->reason : std::string();
}

std::string first_waiting_reason(const std::vector<StepRecord>& containers) {
  for (const StepRecord& c : containers) {
    if (c.state == "waiting" && !c.reason.empty()) return c.reason;
  }
  return {};
}

std::string pod_waiting_reason(const PodRecord& pod) {
  for (const ConditionRecord& c : pod.conditions) {
    if (c.type == "PodScheduled" && c.status == "False") return c.reason.empty() ? "Unschedulable" : c.reason;
  }
  if (pod.phase != "Pending") return {};
  bool init_done = std::all_of(pod.init_containers.begin(), pod.init_containers.end(),
                               [](const StepRecord& c) { return c.state == "terminated"; });
  if (!init_done) {
    if (std::string reason = first_waiting_reason(pod.init_containers); !reason.empty()) return reason;
  }
  return first_waiting_reason(pod.containers);
}

}  // namespace

std::string waiting_reason(const ResourceRecord& record) {
  if (is_finished(record)) return {};
  if (const auto* pr = std::get_if<PipelineRunRecord>(&record)) {
    if (pr->spec_status == "PipelineRunPending") return "PipelineRunPending";
    return unknown_reason_in(pr->succeeded, kPipelineRunWaits);
  }
  if (const auto* tr = std::get_if<TaskRunRecord>(&record)) return unknown_reason_in(tr->succeeded, kTaskRunWaits);
  if (const auto* pod = std::get_if<PodRecord>(&record)) return pod_waiting_reason(*pod);
  return {};
}

void note_wait(WaitHistory& history, const std::string& reason, TimeNs observed_at) {
  if (observed_at == 0) return;
  auto later = std::upper_bound(history.begin(), history.end(), observed_at,
                                [](TimeNs t, const WaitTransition& w) { return t < w.at; });
  if (later != history.begin() && std::prev(later)->reason == reason) return;  // already in this phase
  if (later == history.begin() && reason.empty()) return;                      // no wait seen yet: nothing ends
  if (later != history.end() && later->reason == reason) {
    later->at = observed_at;  // the same phase, seen earlier than first thought
    return;
  }
  if (!reason.empty() && history.size() >= kMaxWaitTransitions) return;
  history.insert(later, WaitTransition{reason, observed_at});
}

void note_wait_observation(WaitHistory& history, const std::string& reason, TimeNs observed_at) {
  if (observed_at == 0 || history.size() >= kMaxWaitObservations) return;
  auto pos = std::lower_bound(history.begin(), history.end(), std::tie(observed_at, reason),
                              [](const WaitTransition& w, const auto& key) {
                                return std::tie(w.at, w.reason) < key;
                              });
  if (pos != history.end() && pos->at == observed_at && pos->reason == reason) return;
  history.insert(pos, WaitTransition{reason, observed_at});
}

WaitHistory wait_transitions(const WaitHistory& history) {
  WaitHistory out;
  for (const WaitTransition& w : history) {
    if (out.empty() ? w.reason.empty() : out.back().reason == w.reason) continue;
    out.push_back(w);
  }
  return out;
}

const char* wait_kind_of(std::string_view reason) {
  if (reason == "Unschedulable" || reason == "SchedulingGated") return "scheduling";
  if (reason.find("ImagePull") != std::string_view::npos) return "image-pull";
  return "queue";
}

std::string wait_phase_name(std::string_view reason) {
  std::string out;
  auto upper = [](char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; };
  auto lower_or_digit = [](char c) {
    return std::islower(static_cast<unsigned char>(c)) != 0 || std::isdigit(static_cast<unsigned char>(c)) != 0;
  };
  for (std::size_t i = 0; i < reason.size(); ++i) {
    char c = reason[i];
    // A word starts at an upper-case letter after a lower-case one, or at
    // the last capital of an acronym ("PVCNotBound" -> "pvc not bound").
    bool starts_word = i > 0 && upper(c) &&
                       (lower_or_digit(reason[i - 1]) ||
                        (upper(reason[i - 1]) && i + 1 < reason.size() && lower_or_digit(reason[i + 1])));
    if (starts_word) out += ' ';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace pipetrace
