// Reads a Lighthouse ActivityRecord: the stages and steps (with times and
// lower-case status words) Lighthouse derives from a PipelineRun and relays
// to external plugins. It has no apiVersion, kind or metadata.
#include "extract/kind_extractors.h"
#include "extract/step_reader.h"

namespace pipetrace {

void extract_activity_record(json::od::object& object, LighthouseActivityRecord& out) {
  json::for_each_field(object, [&](std::string_view key, json::od::value& field) {
    if (key == "name") {
      json::read_string(field, out.name);
    } else if (key == "jobId") {
      json::read_string(field, out.job_id);
    } else if (key == "owner") {
      json::read_string(field, out.owner);
    } else if (key == "repo") {
      json::read_string(field, out.repo);
    } else if (key == "branch") {
      json::read_string(field, out.branch);
    } else if (key == "buildId") {
      json::read_string(field, out.build_id);
    } else if (key == "context") {
      json::read_string(field, out.context);
    } else if (key == "gitURL") {
      json::read_string(field, out.git_url);
    } else if (key == "baseSHA") {
      json::read_string(field, out.base_sha);
    } else if (key == "lastCommitSHA") {
      json::read_string(field, out.last_commit_sha);
    } else if (key == "status") {
      json::read_string(field, out.status);
    } else if (key == "startTime") {
      out.start = json::as_time(field);
    } else if (key == "completionTime") {
      out.completion = json::as_time(field);
    } else if (key == "stages" || key == "steps") {
      read_activity_stages(field, out.stages);
    }
  });
}

}  // namespace pipetrace
