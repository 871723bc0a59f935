// Reads a Tekton PipelineRun (v1, v1beta1, v1alpha1): its pipeline, times,
// Succeeded condition and children. Children come from v1's
// status.childReferences and/or the older status.taskRuns / status.runs maps
// keyed by child name; real objects mix the two, so both are merged.
#include "extract/condition_reader.h"
#include "extract/kind_extractors.h"
#include "extract/metadata_reader.h"

namespace pipetrace {
namespace {

void add_child(std::vector<ChildRef>& children, ChildRef child) {
  if (child.name.empty()) return;
  for (ChildRef& known : children) {
    if (known.name != child.name) continue;
    if (known.pipeline_task.empty()) known.pipeline_task = std::move(child.pipeline_task);
    if (known.kind.empty()) known.kind = std::move(child.kind);
    return;
  }
  children.push_back(std::move(child));
}

void read_child_references(json::od::value& references, std::vector<ChildRef>& children) {
  json::for_each_element(references, [&](json::od::value& reference) {
    ChildRef child;
    json::for_each_field(reference, [&](std::string_view key, json::od::value& field) {
      if (key == "kind") {
        json::read_string(field, child.kind);
      } else if (key == "name") {
        json::read_string(field, child.name);
      } else if (key == "pipelineTaskName") {
        json::read_string(field, child.pipeline_task);
      }
    });
    add_child(children, std::move(child));
  });
}

// The embedded child status under each name is not read: the child's own
// object is the source of its steps and times.
void read_child_map(json::od::value& map, std::string_view kind, std::vector<ChildRef>& children) {
  json::for_each_entry(map, [&](std::string_view name, json::od::value& entry) {
    ChildRef child{std::string(kind), std::string(name), {}};
    json::for_each_field(entry, [&](std::string_view key, json::od::value& field) {
      if (key == "pipelineTaskName") json::read_string(field, child.pipeline_task);
    });
    add_child(children, std::move(child));
  });
}

void read_ref_name(json::od::value& ref, std::string& name) {
  json::for_each_field(ref, [&](std::string_view key, json::od::value& field) {
    if (key == "name") json::read_string(field, name);
  });
}

void read_spec(json::od::value& spec, PipelineRunRecord& out) {
  json::for_each_field(spec, [&](std::string_view key, json::od::value& field) {
    if (key == "pipelineRef") {
      read_ref_name(field, out.pipeline);
    } else if (key == "status") {
      json::read_string(field, out.spec_status);
    }
  });
}

void read_status(json::od::value& status, PipelineRunRecord& out) {
  json::for_each_field(status, [&](std::string_view key, json::od::value& field) {
    if (key == "startTime") {
      out.start = json::as_time(field);
    } else if (key == "completionTime") {
      out.completion = json::as_time(field);
    } else if (key == "conditions") {
      read_succeeded_condition(field, out.succeeded);
    } else if (key == "childReferences") {
      read_child_references(field, out.children);
    } else if (key == "taskRuns") {
      read_child_map(field, "TaskRun", out.children);
    } else if (key == "runs") {
      read_child_map(field, "Run", out.children);
    }
  });
}

}  // namespace

void extract_pipeline_run(json::od::object& object, PipelineRunRecord& out) {
  json::for_each_field(object, [&](std::string_view key, json::od::value& field) {
    if (key == "metadata") {
      read_object_meta(field, out.meta);
    } else if (key == "spec") {
      read_spec(field, out);
    } else if (key == "status") {
      read_status(field, out);
    }
  });
  if (out.pipeline.empty()) {
    if (const std::string* label = find_value(out.meta.labels, "tekton.dev/pipeline")) out.pipeline = *label;
  }
}

}  // namespace pipetrace
