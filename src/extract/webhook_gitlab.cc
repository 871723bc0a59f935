// Reads GitLab's raw webhook payload into a WebhookRecord, naming events and
// actions as GitHub does so that the linker speaks one vocabulary.
#include <string>

#include "extract/webhook_fields.h"
#include "extract/webhook_parsers.h"

namespace pipetrace {
namespace {

using webhook_fields::Element;
using webhook_fields::has;
using webhook_fields::lower;
using webhook_fields::text;
using webhook_fields::time;

// "Merge Request Hook" -> "merge_request"; "Confidential Note Hook" -> "note".
std::string kind_from_header(std::string_view header) {
  std::string kind = lower(header);
  if (kind.size() > 5 && kind.ends_with(" hook")) kind.resize(kind.size() - 5);
  for (char& c : kind) {
    if (c == ' ') c = '_';
  }
  if (kind.starts_with("confidential_")) kind.erase(0, 13);
  if (kind == "job") kind = "build";  // the body's object_kind for a job event
  return kind;
}

// GitLab's merge-request and issue actions in GitHub's words.
std::string map_action(std::string_view action, bool has_new_commits) {
  if (action == "open") return "opened";
  if (action == "close") return "closed";
  if (action == "reopen") return "reopened";
  if (action == "merge") return "closed";  // GitHub reports a merge as closed with merged=true
  if (action == "update") return has_new_commits ? "synchronize" : "edited";
  if (action == "create") return "created";
  if (action == "delete") return "deleted";
  return std::string(action);
}

void read_merge_request(Element mr, WebhookRecord& r) {
  r.pr_number = text(mr, {"iid"});
  r.pr_title = text(mr, {"title"});
  r.pr_body = text(mr, {"description"});
  r.pr_url = text(mr, {"url"});
  r.sha = text(mr, {"last_commit", "id"});
  r.ref = text(mr, {"source_branch"});
  r.base_ref = text(mr, {"target_branch"});
  r.base_sha = text(mr, {"diff_refs", "base_sha"});
  r.pr_merged = text(mr, {"state"}) == "merged";
}

// A push's commits list the pushed range; the one equal to "after" dates it.
TimeNs head_commit_time(Element body, std::string_view after) {
  auto commits = webhook_fields::at(body, {"commits"});
  simdjson::dom::array array;
  if (!commits || commits->get_array().get(array) != simdjson::SUCCESS) return 0;
  TimeNs latest = 0;
  for (Element commit : array) {
    TimeNs t = time(commit, {"timestamp"});
    if (text(commit, {"id"}) == after && t != 0) return t;
    if (t > latest) latest = t;
  }
  return latest;
}

// "https://gitlab.com/group/sub/project" -> "group/sub/project".
std::string path_of_url(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  auto slash = url.find('/', scheme + 3);
  if (slash == std::string_view::npos) return {};
  std::string_view path = url.substr(slash + 1);
  while (path.ends_with('/')) path.remove_suffix(1);
  if (path.ends_with(".git")) path.remove_suffix(4);
  return std::string(path);
}

}  // namespace

WebhookRecord read_gitlab_webhook(Element body, std::string_view event) {
  WebhookRecord r;
  r.provider = "gitlab";
  std::string kind = text(body, {"object_kind"});
  if (kind.empty()) kind = text(body, {"event_type"});
  if (kind.empty()) kind = kind_from_header(event);
  kind = lower(kind);

  r.repo_full_name = text(body, {"project", "path_with_namespace"});
  r.repo_url = text(body, {"project", "web_url"});
  if (r.repo_url.empty()) r.repo_url = text(body, {"repository", "homepage"});
  if (r.repo_url.empty() && webhook_fields::at(body, {"repository"}) &&
      webhook_fields::at(body, {"repository"})->is_string()) {
    r.repo_url = text(body, {"repository"});  // job events give the URL as a plain string
  }
  if (r.repo_full_name.empty()) r.repo_full_name = path_of_url(r.repo_url);
  r.sender = text(body, {"user_username"});
  if (r.sender.empty()) r.sender = text(body, {"user", "username"});

  Element attrs = webhook_fields::at(body, {"object_attributes"}).value_or(body);
  if (kind == "push" || kind == "tag_push") {
    r.event = "push";
    r.ref = text(body, {"ref"});
    r.sha = text(body, {"after"});
    if (r.sha.empty()) r.sha = text(body, {"checkout_sha"});
    r.base_sha = text(body, {"before"});
    r.timestamp = head_commit_time(body, r.sha);
  } else if (kind == "merge_request") {
    r.event = "pull_request";
    read_merge_request(attrs, r);
    std::string action = text(attrs, {"action"});
    r.action = map_action(action, has(attrs, {"oldrev"}));
    if (action == "merge") r.pr_merged = true;
    r.timestamp = time(attrs, {"updated_at"});
  } else if (kind == "note") {
    std::string noteable = text(attrs, {"noteable_type"});
    r.event = noteable == "Commit" ? "commit_comment" : "issue_comment";
    r.action = map_action(text(attrs, {"action"}), false);
    if (r.action.empty()) r.action = "created";  // older GitLab sends notes only when created
    r.comment = text(attrs, {"note"});
    r.timestamp = time(attrs, {"created_at"});
    if (auto mr = webhook_fields::at(body, {"merge_request"})) read_merge_request(*mr, r);
    if (noteable == "Commit") r.sha = text(attrs, {"commit_id"});
  } else if (kind == "issue") {
    r.event = "issues";
    r.action = map_action(text(attrs, {"action"}), false);
    r.timestamp = time(attrs, {"updated_at"});
  } else if (kind == "pipeline") {
    r.event = "pipeline";
    r.action = text(attrs, {"status"});
    r.ref = text(attrs, {"ref"});
    r.sha = text(attrs, {"sha"});
    r.pr_number = text(body, {"merge_request", "iid"});
    r.timestamp = time(attrs, {"finished_at"});
    if (r.timestamp == 0) r.timestamp = time(attrs, {"created_at"});
  } else if (kind == "build") {
    r.event = "job";
    r.action = text(body, {"build_status"});
    r.ref = text(body, {"ref"});
    r.sha = text(body, {"sha"});
    r.timestamp = time(body, {"build_finished_at"});
  } else if (kind == "release") {
    r.event = "release";
    r.action = map_action(text(body, {"action"}), false);
    r.ref = text(body, {"tag"});
    r.sha = text(body, {"commit", "id"});
    r.timestamp = time(body, {"released_at"});
  } else if (kind == "deployment") {
    r.event = "deployment";
    r.action = text(body, {"status"});
    r.ref = text(body, {"ref"});
    r.sha = text(body, {"sha"});
    r.timestamp = time(body, {"status_changed_at"});
  } else {
    r.event = kind.empty() ? "unknown" : kind;
    r.action = text(attrs, {"action"});
  }
  return r;
}

}  // namespace pipetrace
