// Reads GitHub's raw webhook payload (as GitHub posts it, or as octokit's
// examples record it) into a WebhookRecord.
#include <string>

#include "extract/webhook_fields.h"
#include "extract/webhook_parsers.h"

namespace pipetrace {
namespace {

using webhook_fields::Element;
using webhook_fields::has;
using webhook_fields::is_full_sha;
using webhook_fields::lower;
using webhook_fields::text;
using webhook_fields::time;

// GitHub names its events only in the X-GitHub-Event header; recordings and
// fixtures often lose it, so the payload's top-level keys decide instead.
std::string infer_event(Element body) {
  if (has(body, {"pull_request"})) {
    if (has(body, {"comment"})) return "pull_request_review_comment";
    if (has(body, {"review"})) return "pull_request_review";
    return "pull_request";
  }
  if (has(body, {"issue"})) return has(body, {"comment"}) ? "issue_comment" : "issues";
  if (has(body, {"commits"}) || (has(body, {"ref"}) && has(body, {"before"}) && has(body, {"after"}))) return "push";
  // Only a "create" delivery says which branch is the default one.
  if (has(body, {"ref_type"})) return has(body, {"master_branch"}) ? "create" : "delete";
  if (has(body, {"check_run"})) return "check_run";
  if (has(body, {"check_suite"})) return "check_suite";
  if (has(body, {"workflow_run"})) return "workflow_run";
  if (has(body, {"workflow_job"})) return "workflow_job";
  if (has(body, {"deployment_status"})) return "deployment_status";
  if (has(body, {"deployment"})) return "deployment";
  if (has(body, {"release"})) return "release";
  if (has(body, {"forkee"})) return "fork";
  if (has(body, {"zen"}) || has(body, {"hook_id"})) return "ping";
  if (has(body, {"repositories_added"}) || has(body, {"repositories_removed"})) return "installation_repository";
  if (has(body, {"installation"}) && !has(body, {"repository"})) return "installation";
  if (has(body, {"label"})) return "label";
  if (has(body, {"state"}) && has(body, {"sha"}) && has(body, {"context"})) return "status";
  if (has(body, {"repository"}) && has(body, {"action"})) return "repository";
  return "unknown";
}

void read_pull_request(Element pr, WebhookRecord& r) {
  r.pr_number = text(pr, {"number"});
  r.pr_title = text(pr, {"title"});
  r.pr_body = text(pr, {"body"});
  r.pr_url = text(pr, {"html_url"});
  r.pr_merged = webhook_fields::flag(pr, {"merged"});
  r.sha = text(pr, {"head", "sha"});
  r.ref = text(pr, {"head", "ref"});
  r.base_ref = text(pr, {"base", "ref"});
  r.base_sha = text(pr, {"base", "sha"});
  r.timestamp = time(pr, {"updated_at"});
}

// check_run, check_suite and workflow_run carry the PRs they ran for.
void read_first_pull(Element holder, WebhookRecord& r) {
  if (auto pull = webhook_fields::first(holder, {"pull_requests"})) r.pr_number = text(*pull, {"number"});
}

}  // namespace

WebhookRecord read_github_webhook(Element body, std::string_view event) {
  WebhookRecord r;
  r.provider = "github";
  r.event = event.empty() ? infer_event(body) : lower(event);
  r.action = text(body, {"action"});
  r.repo_full_name = text(body, {"repository", "full_name"});
  r.repo_url = text(body, {"repository", "html_url"});
  r.sender = text(body, {"sender", "login"});

  const std::string& e = r.event;
  if (e == "push") {
    r.ref = text(body, {"ref"});
    r.sha = text(body, {"after"});
    if (r.sha.empty()) r.sha = text(body, {"head_commit", "id"});
    r.base_sha = text(body, {"before"});
    r.base_ref = text(body, {"base_ref"});
    r.timestamp = time(body, {"head_commit", "timestamp"});
    if (r.timestamp == 0) {
      if (auto commit = webhook_fields::last(body, {"commits"})) r.timestamp = time(*commit, {"timestamp"});
    }
  } else if (e == "pull_request" || e == "pull_request_review" || e == "pull_request_review_comment" ||
             e == "pull_request_review_thread") {
    if (auto pr = webhook_fields::at(body, {"pull_request"})) read_pull_request(*pr, r);
    if (r.pr_number.empty()) r.pr_number = text(body, {"number"});
    if (e == "pull_request_review_comment") {
      r.comment = text(body, {"comment", "body"});
      if (TimeNs t = time(body, {"comment", "created_at"})) r.timestamp = t;
    } else if (e == "pull_request_review") {
      r.comment = text(body, {"review", "body"});
      if (TimeNs t = time(body, {"review", "submitted_at"})) r.timestamp = t;
    }
  } else if (e == "issue_comment" || e == "issues") {
    // An issue comment is about a PR only when the issue is one.
    if (has(body, {"issue", "pull_request"})) {
      r.pr_number = text(body, {"issue", "number"});
      r.pr_title = text(body, {"issue", "title"});
      r.pr_body = text(body, {"issue", "body"});
      r.pr_url = text(body, {"issue", "pull_request", "html_url"});
      if (r.pr_url.empty()) r.pr_url = text(body, {"issue", "html_url"});
    }
    if (e == "issue_comment") {
      r.comment = text(body, {"comment", "body"});
      r.timestamp = time(body, {"comment", "created_at"});
    } else {
      r.timestamp = time(body, {"issue", "updated_at"});
    }
  } else if (e == "create" || e == "delete") {
    r.ref = text(body, {"ref"});
  } else if (e == "check_run") {
    r.sha = text(body, {"check_run", "head_sha"});
    r.ref = text(body, {"check_run", "check_suite", "head_branch"});
    if (auto run = webhook_fields::at(body, {"check_run"})) read_first_pull(*run, r);
    r.timestamp = time(body, {"check_run", "completed_at"});
    if (r.timestamp == 0) r.timestamp = time(body, {"check_run", "started_at"});
  } else if (e == "check_suite") {
    r.sha = text(body, {"check_suite", "head_sha"});
    r.ref = text(body, {"check_suite", "head_branch"});
    if (auto suite = webhook_fields::at(body, {"check_suite"})) read_first_pull(*suite, r);
    r.timestamp = time(body, {"check_suite", "updated_at"});
  } else if (e == "workflow_run" || e == "workflow_job") {
    r.sha = text(body, {e, "head_sha"});
    r.ref = text(body, {e, "head_branch"});
    if (auto run = webhook_fields::at(body, {e})) read_first_pull(*run, r);
    r.timestamp = time(body, {e, e == "workflow_run" ? "updated_at" : "completed_at"});
  } else if (e == "deployment" || e == "deployment_status") {
    r.sha = text(body, {"deployment", "sha"});
    r.ref = text(body, {"deployment", "ref"});
    r.timestamp = e == "deployment" ? time(body, {"deployment", "created_at"})
                                    : time(body, {"deployment_status", "created_at"});
  } else if (e == "release") {
    r.ref = text(body, {"release", "tag_name"});
    std::string target = text(body, {"release", "target_commitish"});
    if (is_full_sha(target)) r.sha = target;
    r.timestamp = time(body, {"release", "published_at"});
  } else if (e == "status") {
    r.sha = text(body, {"sha"});
    r.timestamp = time(body, {"updated_at"});
  }
  return r;
}

}  // namespace pipetrace
