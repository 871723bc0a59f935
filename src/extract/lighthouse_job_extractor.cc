// Reads a LighthouseJob (lighthouse.jenkins.io/v1alpha1): what job ran for
// which repository and pull request, its state, and the activity (stages and
// steps with times) Lighthouse's foghorn copies into its status.
#include "extract/kind_extractors.h"
#include "extract/metadata_reader.h"
#include "extract/step_reader.h"

namespace pipetrace {
namespace {

struct PullFields {
  std::string number;
  std::string author;
  std::string sha;
  std::string link;
};

void read_first_pull(json::od::value& pulls, PullFields& first) {
  bool seen = false;
  json::for_each_element(pulls, [&](json::od::value& pull) {
    if (seen) return;  // batch jobs list several pulls; the first names the trace
    seen = json::for_each_field(pull, [&](std::string_view key, json::od::value& field) {
      if (key == "number") {
        json::read_string(field, first.number);
      } else if (key == "author") {
        json::read_string(field, first.author);
      } else if (key == "sha") {
        json::read_string(field, first.sha);
      } else if (key == "link") {
        json::read_string(field, first.link);
      }
    });
  });
}

void read_refs(json::od::value& refs, GitRefs& out) {
  PullFields pull;
  json::for_each_field(refs, [&](std::string_view key, json::od::value& field) {
    if (key == "org") {
      json::read_string(field, out.org);
    } else if (key == "repo") {
      json::read_string(field, out.repo);
    } else if (key == "repo_link") {
      json::read_string(field, out.repo_url);
    } else if (key == "clone_uri") {
      json::read_string(field, out.clone_url);
    } else if (key == "base_ref") {
      json::read_string(field, out.base_ref);
    } else if (key == "base_sha") {
      json::read_string(field, out.base_sha);
    } else if (key == "pulls") {
      read_first_pull(field, pull);
    }
  });
  out.pull_number = std::move(pull.number);
  out.pull_author = std::move(pull.author);
  out.pull_link = std::move(pull.link);
  out.head_sha = pull.sha.empty() ? out.base_sha : std::move(pull.sha);
}

void read_spec(json::od::value& spec, LighthouseJobRecord& out) {
  json::for_each_field(spec, [&](std::string_view key, json::od::value& field) {
    if (key == "job") {
      json::read_string(field, out.job);
    } else if (key == "type") {
      json::read_string(field, out.job_type);
    } else if (key == "agent") {
      json::read_string(field, out.agent);
    } else if (key == "context") {
      json::read_string(field, out.context);
    } else if (key == "refs") {
      read_refs(field, out.refs);
    }
  });
}

void read_activity(json::od::value& activity, LighthouseJobRecord& out) {
  json::for_each_field(activity, [&](std::string_view key, json::od::value& field) {
    if (key == "status") {
      json::read_string(field, out.activity_status);
    } else if (key == "stages" || key == "steps") {
      read_activity_stages(field, out.stages);
    }
  });
}

void read_status(json::od::value& status, LighthouseJobRecord& out) {
  json::for_each_field(status, [&](std::string_view key, json::od::value& field) {
    if (key == "state") {
      json::read_string(field, out.state);
    } else if (key == "description") {
      json::read_string(field, out.description);
    } else if (key == "buildId" || key == "build_id") {
      json::read_string(field, out.build_id);
    } else if (key == "startTime") {
      out.start = json::as_time(field);
    } else if (key == "completionTime") {
      out.completion = json::as_time(field);
    } else if (key == "activity") {
      read_activity(field, out);
    }
  });
}

void fill_from_label(const ObjectMeta& meta, std::string_view label, std::string& field) {
  if (!field.empty()) return;
  if (const std::string* value = find_value(meta.labels, label)) field = *value;
}

// "https://github.com/o/r.git" -> "https://github.com/o/r".
std::string repo_url_from_clone_url(std::string_view clone_url) {
  if (!clone_url.starts_with("https://") && !clone_url.starts_with("http://")) return {};
  if (clone_url.ends_with(".git")) clone_url.remove_suffix(4);
  return std::string(clone_url);
}

}  // namespace

void extract_lighthouse_job(json::od::object& object, LighthouseJobRecord& out) {
  json::for_each_field(object, [&](std::string_view key, json::od::value& field) {
    if (key == "metadata") {
      read_object_meta(field, out.meta);
    } else if (key == "spec") {
      read_spec(field, out);
    } else if (key == "status") {
      read_status(field, out);
    }
  });
  // Lighthouse labels every job with what its spec says; older or trimmed
  // objects may carry only the labels.
  fill_from_label(out.meta, "lighthouse.jenkins-x.io/buildNum", out.build_id);
  fill_from_label(out.meta, "lighthouse.jenkins-x.io/refs.org", out.refs.org);
  fill_from_label(out.meta, "lighthouse.jenkins-x.io/refs.repo", out.refs.repo);
  fill_from_label(out.meta, "lighthouse.jenkins-x.io/refs.pull", out.refs.pull_number);
  fill_from_label(out.meta, "lighthouse.jenkins-x.io/job", out.job);
  fill_from_label(out.meta, "lighthouse.jenkins-x.io/type", out.job_type);
  fill_from_label(out.meta, "lighthouse.jenkins-x.io/context", out.context);
  if (out.refs.repo_url.empty()) out.refs.repo_url = repo_url_from_clone_url(out.refs.clone_url);
}

}  // namespace pipetrace
