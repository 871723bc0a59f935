// Recognises an object's kind (see object_identity.h).
#include "extract/object_identity.h"

#include "extract/metadata_reader.h"

namespace pipetrace {
namespace {

// Field names that only one traced kind has, noted while looking for "kind".
struct ShapeClues {
  bool activity_record = false;
  bool event = false;
  bool list = false;
  bool pipeline_run = false;
  bool task_run = false;
  bool pod = false;
  bool lighthouse_job = false;
  bool pipeline_activity = false;
};

void probe_spec(json::od::value& spec, ShapeClues& clues) {
  json::for_each_field(spec, [&](std::string_view key, json::od::value&) {
    if (key == "pipelineRef" || key == "pipelineSpec") {
      clues.pipeline_run = true;
    } else if (key == "taskRef" || key == "taskSpec") {
      clues.task_run = true;
    } else if (key == "containers" || key == "initContainers") {
      clues.pod = true;
    } else if (key == "refs" || key == "agent" || key == "pipeline_run_spec") {
      clues.lighthouse_job = true;
    } else if (key == "gitUrl" || key == "startedTimestamp" || key == "gitRepository") {
      clues.pipeline_activity = true;
    }
  });
}

void probe_status(json::od::value& status, ShapeClues& clues) {
  // A Lighthouse ActivityRecord's status is a word ("success"); every
  // Kubernetes object's status is an object.
  if (json::take(status.type()) == json::od::json_type::string) {
    clues.activity_record = true;
    return;
  }
  json::for_each_field(status, [&](std::string_view key, json::od::value&) {
    if (key == "childReferences" || key == "taskRuns" || key == "runs" || key == "pipelineSpec" ||
        key == "pipelineResults") {
      clues.pipeline_run = true;
    } else if (key == "podName" || key == "steps" || key == "taskSpec" || key == "taskResults") {
      clues.task_run = true;
    } else if (key == "containerStatuses" || key == "phase" || key == "podIP" || key == "hostIP") {
      clues.pod = true;
    }
  });
}

void probe_top_level(std::string_view key, json::od::value& value, ShapeClues& clues) {
  if (key == "jobId" || key == "stages" || key == "gitURL") {
    clues.activity_record = true;
  } else if (key == "involvedObject" || key == "regarding") {
    clues.event = true;
  } else if (key == "items") {
    clues.list = true;
  } else if (key == "spec") {
    probe_spec(value, clues);
  } else if (key == "status") {
    probe_status(value, clues);
  }
}

std::string_view kind_from_shape(const ShapeClues& clues) {
  if (clues.event) return "Event";
  if (clues.activity_record) return "ActivityRecord";
  if (clues.pipeline_run) return "PipelineRun";
  if (clues.task_run) return "TaskRun";
  if (clues.pod) return "Pod";
  if (clues.lighthouse_job) return "LighthouseJob";
  if (clues.pipeline_activity) return "PipelineActivity";
  if (clues.list) return "List";
  return {};
}

// Same kind name, other API group (a "Pod" of some CRD) is not ours.
void classify(ObjectIdentity& id) {
  std::string_view group = api_group(id.api_version);
  bool unversioned = id.api_version.empty();
  auto traced = [&](TracedKind kind, bool group_matches) {
    if (!group_matches) return false;
    id.recognition = Recognition::Traced;
    id.traced = kind;
    return true;
  };
  const std::string& kind = id.kind;
  if (kind == "Pod" && traced(TracedKind::Pod, unversioned || id.api_version == "v1")) return;
  if (kind == "Event" &&
      traced(TracedKind::Event, unversioned || id.api_version == "v1" || group == "events.k8s.io")) {
    return;
  }
  if (kind == "PipelineRun" && traced(TracedKind::PipelineRun, unversioned || group == "tekton.dev")) return;
  if (kind == "TaskRun" && traced(TracedKind::TaskRun, unversioned || group == "tekton.dev")) return;
  if (kind == "LighthouseJob" &&
      traced(TracedKind::LighthouseJob, unversioned || group == "lighthouse.jenkins.io")) {
    return;
  }
  if (kind == "PipelineActivity" && traced(TracedKind::PipelineActivity, unversioned || group == "jenkins.io")) {
    return;
  }
  if (kind == "ActivityRecord" && traced(TracedKind::ActivityRecord, true)) return;
  id.recognition = Recognition::NotTraced;
}

}  // namespace

std::string_view item_kind_of(std::string_view list_kind) {
  if (list_kind.ends_with("List")) list_kind.remove_suffix(4);
  return list_kind;
}

ObjectIdentity identify_object(json::od::object& object, std::string_view kind_hint) {
  ObjectIdentity id;
  bool have_kind = false;
  bool have_api_version = false;
  ShapeClues clues;
  for (auto item : object) {
    json::od::field& field = json::take_in_place(item);
    std::string_view key = json::raw_key(field.key());
    if (key == "kind") {
      json::read_string(field.value(), id.kind);
      have_kind = !id.kind.empty();
    } else if (key == "apiVersion") {
      json::read_string(field.value(), id.api_version);
      have_api_version = true;
    } else if (!have_kind) {
      probe_top_level(key, field.value(), clues);
    }
    // Kubernetes writes apiVersion and kind first: the common case stops here.
    if (have_kind && have_api_version) break;
  }
  if (id.kind.empty()) id.kind = item_kind_of(kind_hint);
  if (id.kind.empty()) id.kind = kind_from_shape(clues);
  if (id.kind.empty()) {
    id.recognition = Recognition::Unrecognised;
    return id;
  }
  classify(id);
  return id;
}

}  // namespace pipetrace
