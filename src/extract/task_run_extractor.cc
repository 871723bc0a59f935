// Reads a Tekton TaskRun (v1, v1beta1, v1alpha1): its task, pod, times,
// Succeeded condition and status.steps (waiting, running or terminated
// containers, or steps with no state at all).
#include "extract/condition_reader.h"
#include "extract/kind_extractors.h"
#include "extract/metadata_reader.h"
#include "extract/step_reader.h"

namespace pipetrace {
namespace {

void read_spec(json::od::value& spec, TaskRunRecord& out) {
  json::for_each_field(spec, [&](std::string_view key, json::od::value& field) {
    if (key != "taskRef") return;
    json::for_each_field(field, [&](std::string_view ref_key, json::od::value& ref_field) {
      if (ref_key == "name") json::read_string(ref_field, out.task);
    });
  });
}

void read_status(json::od::value& status, TaskRunRecord& out) {
  json::for_each_field(status, [&](std::string_view key, json::od::value& field) {
    if (key == "podName") {
      json::read_string(field, out.pod_name);
    } else if (key == "startTime") {
      out.start = json::as_time(field);
    } else if (key == "completionTime") {
      out.completion = json::as_time(field);
    } else if (key == "conditions") {
      read_succeeded_condition(field, out.succeeded);
    } else if (key == "steps") {
      read_tekton_steps(field, out.steps);
    }
  });
}

}  // namespace

void extract_task_run(json::od::object& object, TaskRunRecord& out) {
  json::for_each_field(object, [&](std::string_view key, json::od::value& field) {
    if (key == "metadata") {
      read_object_meta(field, out.meta, is_tekton_label);
    } else if (key == "spec") {
      read_spec(field, out);
    } else if (key == "status") {
      read_status(field, out);
    }
  });
  if (out.task.empty()) {
    if (const std::string* label = find_value(out.meta.labels, "tekton.dev/task")) out.task = *label;
  }
  if (const std::string* label = find_value(out.meta.labels, "tekton.dev/pipelineTask")) out.pipeline_task = *label;
}

}  // namespace pipetrace
