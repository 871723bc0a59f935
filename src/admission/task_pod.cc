// Reads a pod at admission time (see task_pod.h).
#include "admission/task_pod.h"

#include "extract/object_extractor.h"
#include "extract/step_reader.h"

namespace pipetrace::admission {
namespace {

const std::string* label(const PodRecord& r, std::string_view key) {
  const std::string* v = find_value(r.meta.labels, key);
  return v != nullptr && !v->empty() ? v : nullptr;
}

// Tekton names step containers "step-<name>" ("build-step-<name>" before 0.5);
// its own init containers (step-place-tools, ...) share the prefix and get
// step spans too, so they are steps here as well.
bool is_step_container(std::string_view name) {
  return step_name_from_container(name) != name;
}

void read_containers(const nlohmann::json& spec, const char* list, std::vector<StepContainer>& out) {
  auto it = spec.find(list);
  if (it == spec.end() || !it->is_array()) return;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const nlohmann::json& c = (*it)[i];
    if (!c.is_object()) continue;
    auto name = c.find("name");
    if (name == c.end() || !name->is_string()) continue;
    std::string container = name->get<std::string>();
    if (!is_step_container(container)) continue;
    StepContainer step;
    step.list = list;
    step.index = i;
    step.container = container;
    step.step = std::string(step_name_from_container(container));
    auto env = c.find("env");
    step.has_env = env != c.end() && env->is_array();
    if (step.has_env) {
      for (const auto& e : *env) {
        if (e.is_object() && e.contains("name") && e["name"].is_string()) step.env_names.insert(e["name"].get<std::string>());
      }
    }
    out.push_back(std::move(step));
  }
}

}  // namespace

TaskPodResult read_task_pod(const nlohmann::json& pod, const std::string& request_namespace) {
  TaskPodResult result;
  if (!pod.is_object()) {
    result.message = "the object is not a JSON object";
    return result;
  }
  ExtractResult extracted = extract_object_json(pod.dump(), "Pod");
  if (extracted.status != ExtractStatus::Ok || !extracted.record ||
      !std::holds_alternative<PodRecord>(*extracted.record)) {
    result.message = extracted.message.empty() ? "the object is not a pod" : extracted.message;
    return result;
  }
  TaskPod& out = result.pod;
  out.record = std::get<PodRecord>(std::move(*extracted.record));
  const PodRecord& r = out.record;
  out.ns = !r.meta.ns.empty() ? r.meta.ns : request_namespace;
  out.pod_name = r.meta.name;

  const std::string* task_run = label(r, "tekton.dev/taskRun");
  if (task_run == nullptr) {
    result.reading = PodReading::NotTaskPod;
    result.message = "no tekton.dev/taskRun label";
    return result;
  }
  // The tracer takes the TaskRun owner reference over the label (it carries the uid).
  out.task_run = *task_run;
  for (const OwnerRef& o : r.meta.owners) {
    if (o.kind == "TaskRun" && !o.name.empty()) {
      out.task_run = o.name;
      out.task_run_uid = o.uid;
    }
  }
  if (const std::string* v = label(r, "tekton.dev/pipelineRun")) out.pipeline_run = *v;
  if (const std::string* v = label(r, "tekton.dev/pipelineTask")) out.task_name = *v;
  else if (const std::string* t = label(r, "tekton.dev/task")) out.task_name = *t;
  else out.task_name = out.task_run;

  auto meta = pod.find("metadata");
  out.has_metadata = meta != pod.end() && meta->is_object();
  if (out.has_metadata) {
    auto annotations = meta->find("annotations");
    out.has_annotations = annotations != meta->end() && annotations->is_object();
    if (out.has_annotations) {
      for (const auto& [key, value] : annotations->items()) out.annotation_keys.insert(key);
    }
  }
  auto spec = pod.find("spec");
  if (spec != pod.end() && spec->is_object()) {
    read_containers(*spec, "initContainers", out.steps);
    read_containers(*spec, "containers", out.steps);
  }
  result.reading = PodReading::TaskPod;
  return result;
}

}  // namespace pipetrace::admission
