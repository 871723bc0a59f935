// Reads a Pod: phase, reason, node, start time, conditions, and one step per
// container (init containers apart) from the container statuses, in the
// order of the spec, with the image the spec asked for. Tekton task pods'
// containers ("step-build", or "build-step-build" before Tekton 0.5) are
// named after their step.
#include <algorithm>

#include "extract/condition_reader.h"
#include "extract/kind_extractors.h"
#include "extract/metadata_reader.h"
#include "extract/step_reader.h"

namespace pipetrace {
namespace {

struct SpecContainer {
  std::string name;
  std::string image;
};

struct ContainerStatus {
  StepRecord step;  // container, state, restart count; image as the runtime reports it
  std::string image_id;
};

void read_spec_containers(json::od::value& containers, std::vector<SpecContainer>& out) {
  json::for_each_element(containers, [&](json::od::value& container) {
    SpecContainer entry;
    bool have_name = false, have_image = false;
    bool ok = json::for_each_field(container, [&](json::od::raw_json_string key, json::od::value& field) {
      if (key == "name") {
        json::read_string(field, entry.name);
        have_name = true;
      } else if (key == "image") {
        json::read_string(field, entry.image);
        have_image = true;
      }
      // The API server writes name and image first; command, env, probes
      // and mounts after them are skipped whole.
      return !(have_name && have_image);
    });
    if (ok) out.push_back(std::move(entry));
  });
}

void read_container_statuses(json::od::value& statuses, std::vector<ContainerStatus>& out) {
  json::for_each_element(statuses, [&](json::od::value& status) {
    ContainerStatus entry;
    bool ok = json::for_each_field(status, [&](json::od::raw_json_string key, json::od::value& field) {
      if (key == "name") {
        json::read_string(field, entry.step.container);
      } else if (key == "state") {
        read_container_state(field, entry.step);
      } else if (key == "image") {
        json::read_string(field, entry.step.image);
      } else if (key == "imageID") {
        json::read_string(field, entry.image_id);
      } else if (key == "restartCount") {
        entry.step.restart_count = static_cast<int>(json::as_int(field).value_or(0));
      }
    });
    if (ok) out.push_back(std::move(entry));
  });
}

// Spec order is the step order (the kubelet sorts statuses by name); a
// container with no status yet still becomes a step, with no state.
std::vector<StepRecord> merge_containers(std::vector<SpecContainer>& spec, std::vector<ContainerStatus>& statuses) {
  std::vector<StepRecord> steps;
  steps.reserve(std::max(spec.size(), statuses.size()));
  std::vector<bool> used(statuses.size(), false);
  for (SpecContainer& container : spec) {
    StepRecord step;
    for (std::size_t i = 0; i < statuses.size(); ++i) {
      if (!used[i] && statuses[i].step.container == container.name) {
        used[i] = true;
        step = std::move(statuses[i].step);
        if (step.image.empty()) step.image = std::move(statuses[i].image_id);
        break;
      }
    }
    step.container = std::move(container.name);
    if (!container.image.empty()) step.image = std::move(container.image);
    steps.push_back(std::move(step));
  }
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    if (used[i]) continue;
    StepRecord& step = statuses[i].step;
    if (step.image.empty()) step.image = std::move(statuses[i].image_id);
    steps.push_back(std::move(step));
  }
  return steps;
}

bool is_tekton_pod(const ObjectMeta& meta) {
  for (const auto& [key, value] : meta.labels) {
    if (key.starts_with("tekton.dev/")) return true;
  }
  for (const OwnerRef& owner : meta.owners) {
    if (owner.kind == "TaskRun") return true;
  }
  return false;
}

void name_steps(std::vector<StepRecord>& steps, bool tekton) {
  for (StepRecord& step : steps) {
    step.name = tekton ? std::string(step_name_from_container(step.container)) : step.container;
  }
}

struct PodContainers {
  std::vector<SpecContainer> spec;
  std::vector<SpecContainer> spec_init;
  std::vector<ContainerStatus> status;
  std::vector<ContainerStatus> status_init;
};

void read_spec(json::od::value& spec, PodRecord& out, PodContainers& containers) {
  json::for_each_field(spec, [&](json::od::raw_json_string key, json::od::value& field) {
    if (key == "containers") {
      read_spec_containers(field, containers.spec);
    } else if (key == "initContainers") {
      read_spec_containers(field, containers.spec_init);
    } else if (key == "nodeName") {
      json::read_string(field, out.node_name);
    }
  });
}

void read_status(json::od::value& status, PodRecord& out, PodContainers& containers) {
  json::for_each_field(status, [&](json::od::raw_json_string key, json::od::value& field) {
    if (key == "phase") {
      json::read_string(field, out.phase);
    } else if (key == "reason") {
      json::read_string(field, out.reason);
    } else if (key == "message") {
      json::read_string(field, out.message);
    } else if (key == "startTime") {
      out.start = json::as_time(field);
    } else if (key == "conditions") {
      read_conditions(field, out.conditions);
    } else if (key == "containerStatuses") {
      read_container_statuses(field, containers.status);
    } else if (key == "initContainerStatuses") {
      read_container_statuses(field, containers.status_init);
    }
  });
}

}  // namespace

void extract_pod(json::od::object& object, PodRecord& out) {
  PodContainers containers;
  json::for_each_field(object, [&](json::od::raw_json_string key, json::od::value& field) {
    if (key == "metadata") {
      read_object_meta(field, out.meta);
    } else if (key == "spec") {
      read_spec(field, out, containers);
    } else if (key == "status") {
      read_status(field, out, containers);
    }
  });
  out.containers = merge_containers(containers.spec, containers.status);
  out.init_containers = merge_containers(containers.spec_init, containers.status_init);
  bool tekton = is_tekton_pod(out.meta);
  name_steps(out.containers, tekton);
  name_steps(out.init_containers, tekton);
}

}  // namespace pipetrace
