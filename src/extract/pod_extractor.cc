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

// Names and images are kept as views into the document until the merge
// knows which of them a step keeps: a status's image is usually replaced by
// the spec's, and copying it first would cost an allocation for nothing.
struct SpecContainer {
  std::string_view name;
  std::string_view image;
};

struct ContainerStatus {
  StepRecord step;  // state, restart count
  std::string_view container;
  std::string_view image;  // as the runtime reports it
  std::string_view image_id;
  bool merged = false;  // already given to a spec container
};

void read_spec_containers(json::od::value& containers, std::vector<SpecContainer>& out) {
  json::for_each_element(containers, [&](json::od::value& container) {
    SpecContainer entry;
    bool have_name = false, have_image = false;
    bool ok = json::for_each_field(container, [&](std::string_view key, json::od::value& field) {
      if (key == "name") {
        entry.name = json::as_text(field);
        have_name = true;
      } else if (key == "image") {
        entry.image = json::as_text(field);
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
    bool ok = json::for_each_field(status, [&](std::string_view key, json::od::value& field) {
      if (key == "name") {
        entry.container = json::as_text(field);
      } else if (key == "state") {
        read_container_state(field, entry.step);
      } else if (key == "image") {
        entry.image = json::as_text(field);
      } else if (key == "imageID") {
        entry.image_id = json::as_text(field);
      } else if (key == "restartCount") {
        entry.step.restart_count = static_cast<int>(json::as_int(field).value_or(0));
      }
    });
    if (ok) out.push_back(std::move(entry));
  });
}

// The image a status reports: its image, else its imageID.
std::string_view reported_image(const ContainerStatus& status) {
  return status.image.empty() ? status.image_id : status.image;
}

// Spec order is the step order (the kubelet sorts statuses by name); a
// container with no status yet still becomes a step, with no state.
void merge_containers(const std::vector<SpecContainer>& spec, std::vector<ContainerStatus>& statuses,
                      std::vector<StepRecord>& steps) {
  steps.reserve(std::max(spec.size(), statuses.size()));
  for (const SpecContainer& container : spec) {
    StepRecord& step = steps.emplace_back();
    std::string_view image;
    for (ContainerStatus& status : statuses) {
      if (!status.merged && status.container == container.name) {
        status.merged = true;
        step = std::move(status.step);
        image = reported_image(status);
        break;
      }
    }
    step.container = container.name;
    step.image = container.image.empty() ? image : container.image;
  }
  for (ContainerStatus& status : statuses) {
    if (status.merged) continue;
    StepRecord& step = steps.emplace_back(std::move(status.step));
    step.container = status.container;
    step.image = reported_image(status);
  }
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

  void clear() {
    spec.clear();
    spec_init.clear();
    status.clear();
    status_init.clear();
  }
};

void read_spec(json::od::value& spec, PodRecord& out, PodContainers& containers) {
  json::for_each_field(spec, [&](std::string_view key, json::od::value& field) {
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
  json::for_each_field(status, [&](std::string_view key, json::od::value& field) {
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
  // Reused from pod to pod: only their capacity survives, which spares the
  // growth of four vectors on every pod event.
  thread_local PodContainers containers;
  containers.clear();
  json::for_each_field(object, [&](std::string_view key, json::od::value& field) {
    if (key == "metadata") {
      read_object_meta(field, out.meta, is_tekton_label);
    } else if (key == "spec") {
      read_spec(field, out, containers);
    } else if (key == "status") {
      read_status(field, out, containers);
    }
  });
  merge_containers(containers.spec, containers.status, out.containers);
  merge_containers(containers.spec_init, containers.status_init, out.init_containers);
  bool tekton = is_tekton_pod(out.meta);
  name_steps(out.containers, tekton);
  name_steps(out.init_containers, tekton);
}

}  // namespace pipetrace
