// Reads a Jenkins X PipelineActivity (jenkins.io/v1): the pipeline, its git
// coordinates, status and times, and spec.steps. A "Stage" entry keeps its
// steps; a top-level "Step", "Promote" or "Preview" entry becomes a stage of
// its own, so that downstream code sees one shape.
#include <cctype>

#include "extract/kind_extractors.h"
#include "extract/metadata_reader.h"
#include "extract/step_reader.h"

namespace pipetrace {
namespace {

// One spec.steps[] entry: {"kind": "Stage", "stage": {...}} and the like.
void read_activity_entry(json::od::value& entry, std::vector<StageRecord>& stages) {
  StageRecord stage;
  std::string kind;
  bool has_body = false;
  json::for_each_field(entry, [&](std::string_view key, json::od::value& field) {
    if (key == "kind") {
      json::read_string(field, kind);
    } else if (key == "stage" || key == "step" || key == "promote" || key == "preview") {
      has_body = read_activity_stage(field, stage) || has_body;
    }
  });
  if (!has_body) return;
  if (stage.name.empty()) {
    // Unnamed promotions and previews are still worth a span: name them by kind.
    stage.name = kind;
    for (char& c : stage.name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  stages.push_back(std::move(stage));
}

void read_spec(json::od::value& spec, PipelineActivityRecord& out) {
  json::for_each_field(spec, [&](std::string_view key, json::od::value& field) {
    if (key == "pipeline") {
      json::read_string(field, out.pipeline);
    } else if (key == "build") {
      json::read_string(field, out.build);
    } else if (key == "status") {
      json::read_string(field, out.status);
    } else if (key == "context") {
      json::read_string(field, out.context);
    } else if (key == "gitUrl") {
      json::read_string(field, out.git_url);
    } else if (key == "gitOwner") {
      json::read_string(field, out.git_owner);
    } else if (key == "gitRepository") {
      json::read_string(field, out.git_repository);
    } else if (key == "gitBranch") {
      json::read_string(field, out.git_branch);
    } else if (key == "lastCommitSHA") {
      json::read_string(field, out.last_commit_sha);
    } else if (key == "buildUrl") {
      json::read_string(field, out.build_url);
    } else if (key == "message") {
      json::read_string(field, out.message);
    } else if (key == "startedTimestamp") {
      out.start = json::as_time(field);
    } else if (key == "completedTimestamp") {
      out.completion = json::as_time(field);
    } else if (key == "steps") {
      json::for_each_element(field, [&](json::od::value& entry) { read_activity_entry(entry, out.stages); });
    }
  });
}

}  // namespace

void extract_pipeline_activity(json::od::object& object, PipelineActivityRecord& out) {
  json::for_each_field(object, [&](std::string_view key, json::od::value& field) {
    if (key == "metadata") {
      read_object_meta(field, out.meta);
    } else if (key == "spec") {
      read_spec(field, out);
    }
  });
}

}  // namespace pipetrace
