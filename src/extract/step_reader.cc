// Reads steps and stages (see step_reader.h).
#include "extract/step_reader.h"

#include <algorithm>
#include <iterator>

namespace pipetrace {
namespace {

void read_terminated(json::od::value& value, StepRecord& step) {
  json::for_each_field(value, [&](std::string_view key, json::od::value& field) {
    if (key == "exitCode") {
      if (auto code = json::as_int(field)) step.exit_code = static_cast<int>(*code);
    } else if (key == "reason") {
      json::read_string(field, step.reason);
    } else if (key == "message") {
      json::read_string(field, step.message);
    } else if (key == "startedAt") {
      step.start = json::as_time(field);  // null for steps cut short by a timeout
    } else if (key == "finishedAt") {
      step.end = json::as_time(field);
    }
  });
}

void read_running(json::od::value& value, StepRecord& step) {
  json::for_each_field(value, [&](std::string_view key, json::od::value& field) {
    if (key == "startedAt") step.start = json::as_time(field);
  });
}

void read_waiting(json::od::value& value, StepRecord& step) {
  json::for_each_field(value, [&](std::string_view key, json::od::value& field) {
    if (key == "reason") {
      json::read_string(field, step.reason);
    } else if (key == "message") {
      json::read_string(field, step.message);
    }
  });
}

bool is_object(json::od::value& value) {
  return json::take(value.type()) == json::od::json_type::object;
}

// The times and status of a CoreActivityStep (Jenkins X) or an ActivityStep
// (Lighthouse): returns false for other keys.
bool read_activity_core_field(std::string_view key, json::od::value& field, std::string& name,
                              std::string& status, TimeNs& start, TimeNs& end) {
  if (key == "name") {
    json::read_string(field, name);
  } else if (key == "status") {
    json::read_string(field, status);
  } else if (key == "startTime" || key == "startedTimestamp") {
    start = json::as_time(field);
  } else if (key == "completionTime" || key == "completedTimestamp") {
    end = json::as_time(field);
  } else {
    return false;
  }
  return true;
}

bool read_activity_step(json::od::value& value, StepRecord& step) {
  std::string description;
  bool ok = json::for_each_field(value, [&](std::string_view key, json::od::value& field) {
    if (read_activity_core_field(key, field, step.name, step.status, step.start, step.end)) return;
    if (key == "message") {
      json::read_string(field, step.message);
    } else if (key == "description") {
      json::read_string(field, description);
    }
  });
  if (step.message.empty()) step.message = std::move(description);
  return ok;
}

}  // namespace

bool read_container_state_field(std::string_view key, json::od::value& value, StepRecord& step) {
  if (key == "terminated") {
    if (is_object(value)) {
      step.state = "terminated";
      read_terminated(value, step);
    }
  } else if (key == "running") {
    if (is_object(value)) {
      step.state = "running";
      read_running(value, step);
    }
  } else if (key == "waiting") {
    if (is_object(value)) {
      step.state = "waiting";
      read_waiting(value, step);
    }
  } else {
    return false;
  }
  return true;
}

void read_container_state(json::od::value& state, StepRecord& step) {
  json::for_each_field(state, [&](std::string_view key, json::od::value& field) {
    read_container_state_field(key, field, step);
  });
}

std::string_view step_name_from_container(std::string_view container) {
  for (std::string_view prefix : {"build-step-", "step-"}) {
    if (container.starts_with(prefix) && container.size() > prefix.size()) return container.substr(prefix.size());
  }
  return container;
}

void read_tekton_steps(json::od::value& steps, std::vector<StepRecord>& out) {
  // As with conditions: gathered apart, then `out` allocated once.
  thread_local std::vector<StepRecord> found;
  found.clear();
  json::for_each_element(steps, [&](json::od::value& element) {
    StepRecord step;
    std::string termination_reason;
    bool ok = json::for_each_field(element, [&](std::string_view key, json::od::value& field) {
      if (read_container_state_field(key, field, step)) return;
      if (key == "name") {
        json::read_string(field, step.name);
      } else if (key == "container") {
        json::read_string(field, step.container);
      } else if (key == "imageID") {
        json::read_string(field, step.image);
      } else if (key == "terminationReason") {
        json::read_string(field, termination_reason);
      }
    });
    if (!ok) return;
    if (step.name.empty()) step.name = step_name_from_container(step.container);
    if (step.reason.empty()) step.reason = std::move(termination_reason);
    found.push_back(std::move(step));
  });
  out.reserve(out.size() + found.size());
  std::move(found.begin(), found.end(), std::back_inserter(out));
}

void read_activity_steps(json::od::value& steps, std::vector<StepRecord>& out) {
  json::for_each_element(steps, [&](json::od::value& element) {
    StepRecord step;
    if (read_activity_step(element, step)) out.push_back(std::move(step));
  });
}

bool read_activity_stage(json::od::value& value, StageRecord& stage) {
  std::string environment;
  bool ok = json::for_each_field(value, [&](std::string_view key, json::od::value& field) {
    if (read_activity_core_field(key, field, stage.name, stage.status, stage.start, stage.end)) return;
    if (key == "steps") {
      read_activity_steps(field, stage.steps);
    } else if (key == "pullRequest" || key == "update") {
      // A Promote's sub-steps; named after their role when they carry no name.
      bool is_pull_request = key == "pullRequest";
      StepRecord step;
      if (read_activity_step(field, step)) {
        if (step.name.empty()) step.name = is_pull_request ? "pull request" : "update";
        stage.steps.push_back(std::move(step));
      }
    } else if (key == "environment") {
      json::read_string(field, environment);
    }
  });
  if (stage.name.empty() && !environment.empty()) stage.name = "promote " + environment;
  return ok;
}

void read_activity_stages(json::od::value& stages, std::vector<StageRecord>& out) {
  json::for_each_element(stages, [&](json::od::value& element) {
    StageRecord stage;
    if (read_activity_stage(element, stage)) out.push_back(std::move(stage));
  });
}

}  // namespace pipetrace
