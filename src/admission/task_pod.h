// What the admission webhook reads from a pod: whether it is a Tekton task
// pod, its TaskRun's identity (read by the same extractor the tracer uses, so
// both see the same labels, owners and annotations), and where each step
// container and its environment sit in the pod's JSON, for the patch.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "extract/records.h"

namespace pipetrace::admission {

struct StepContainer {
  std::string list;   // "initContainers" or "containers": the key under /spec
  std::size_t index = 0;
  std::string container;  // "step-build"
  std::string step;       // "build": the step name the span IDs use
  bool has_env = false;   // an "env" array exists (append to it) or not (create it)
  std::set<std::string> env_names;
};

struct TaskPod {
  PodRecord record;
  std::string ns;             // the pod's namespace (the request's when the object has none)
  std::string pod_name;       // empty for a generateName-only pod
  std::string task_run;       // owner reference to a TaskRun, else label tekton.dev/taskRun
  std::string task_run_uid;   // from the owner reference; empty when there is none
  std::string pipeline_run;   // label tekton.dev/pipelineRun
  std::string task_name;      // label tekton.dev/pipelineTask, else tekton.dev/task, else the TaskRun's name
  bool has_metadata = false;     // annotations can only be added under an existing metadata
  bool has_annotations = false;
  std::set<std::string> annotation_keys;
  std::vector<StepContainer> steps;
};

enum class PodReading { TaskPod, NotTaskPod, Unreadable };

struct TaskPodResult {
  PodReading reading = PodReading::Unreadable;
  TaskPod pod;
  std::string message;  // why it is not a task pod, or not readable
};

// `request_namespace`: AdmissionReview request.namespace, which is set even
// when the object omits metadata.namespace.
TaskPodResult read_task_pod(const nlohmann::json& pod, const std::string& request_namespace);

}  // namespace pipetrace::admission
