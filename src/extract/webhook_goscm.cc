// Reads the go-scm JSON that Lighthouse relays to external plugins (keys in
// Go's spelling: Ref, Repo.FullName, PullRequest.Number, GUID) into a
// WebhookRecord, with GitHub's event and action names.
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

// go-scm's webhook kind from the shape of its struct when the
// X-Lighthouse-Webhook-Kind header was not kept. Branch and tag hooks look
// alike; both become create/delete below, so that does not matter.
std::string infer_kind(Element body) {
  if (has(body, {"PullRequest"})) {
    if (has(body, {"Comment"})) return "pull_request_comment";
    if (has(body, {"Review"})) return "review";
    return "pull_request";
  }
  if (has(body, {"Issue"})) return has(body, {"Comment"}) ? "issue_comment" : "issue";
  if (has(body, {"Commits"}) || has(body, {"After"}) || has(body, {"Before"})) return "push";
  if (has(body, {"DeploymentStatus"})) return "deployment_status";
  if (has(body, {"Deployment"})) return "deploy";
  if (has(body, {"Release"})) return "release";
  if (has(body, {"CheckRun"})) return "check_run";
  if (has(body, {"CheckSuite"})) return "check_suite";
  if (auto ref = webhook_fields::at(body, {"Ref"}); ref && ref->is_object()) return "branch";
  if (has(body, {"ReposAdded"}) || has(body, {"ReposRemoved"})) return "installation_repository";
  if (has(body, {"Repos"}) && !has(body, {"Repo"})) return "installation";
  if (!text(body, {"Label", "Name"}).empty()) return "label";
  if (has(body, {"GUID"})) return "ping";
  return "unknown";
}

// go-scm kinds in GitHub's event names. A pull_request_comment is a GitLab
// merge-request note (GitHub: issue_comment) or a GitHub review comment.
std::string event_for_kind(std::string_view kind, std::string_view action, std::string_view provider) {
  if (kind == "branch" || kind == "tag") return action == "deleted" ? "delete" : "create";
  if (kind == "pull_request_comment") {
    return provider == "gitlab" ? "issue_comment" : "pull_request_review_comment";
  }
  if (kind == "issue") return "issues";
  if (kind == "review") return "pull_request_review";
  if (kind == "review_comment") return "pull_request_review_comment";
  if (kind == "deploy") return "deployment";
  return std::string(kind);
}

// go-scm's Action.String() in GitHub's words.
std::string map_action(std::string_view action) {
  if (action == "updated" || action == "update") return "edited";
  if (action == "synchronized" || action == "sync") return "synchronize";
  if (action == "merged" || action == "merge") return "closed";  // with pr_merged=true
  if (action == "open") return "opened";
  if (action == "close") return "closed";
  if (action == "reopen") return "reopened";
  if (action == "create") return "created";
  if (action == "delete") return "deleted";
  return std::string(action);
}

void read_pull_request(Element pr, WebhookRecord& r) {
  r.pr_number = text(pr, {"Number"});
  r.pr_title = text(pr, {"Title"});
  r.pr_body = text(pr, {"Body"});
  r.pr_url = text(pr, {"Link"});
  r.pr_merged = webhook_fields::flag(pr, {"Merged"});
  r.sha = text(pr, {"Sha"});
  if (r.sha.empty()) r.sha = text(pr, {"Head", "Sha"});
  r.ref = text(pr, {"Source"});
  if (r.ref.empty()) r.ref = text(pr, {"Head", "Ref"});
  r.base_ref = text(pr, {"Target"});
  if (r.base_ref.empty()) r.base_ref = text(pr, {"Base", "Ref"});
  r.base_sha = text(pr, {"Base", "Sha"});
  r.timestamp = time(pr, {"Updated"});
}

}  // namespace

std::string_view provider_from_url(std::string_view url) {
  auto scheme = url.find("://");
  std::string_view host = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  if (auto at = host.find('@'); at != std::string_view::npos && at < host.find('/')) host.remove_prefix(at + 1);
  host = host.substr(0, host.find_first_of("/:"));
  std::string lowered = lower(host);
  if (lowered.find("gitlab") != std::string::npos) return "gitlab";
  if (lowered.find("github") != std::string::npos) return "github";
  return {};
}

WebhookRecord read_goscm_webhook(Element body, std::string_view kind_header) {
  WebhookRecord r;
  r.relay = "lighthouse";
  r.repo_full_name = text(body, {"Repo", "FullName"});
  if (r.repo_full_name.empty()) {
    std::string ns = text(body, {"Repo", "Namespace"});
    std::string name = text(body, {"Repo", "Name"});
    if (!name.empty()) r.repo_full_name = ns.empty() ? name : ns + "/" + name;
  }
  r.repo_url = text(body, {"Repo", "Link"});

  // Lighthouse relays GitHub and GitLab alike; the repository's host tells
  // which, and GitLab's merge-request refs give it away when the host is
  // self-hosted under another name.
  std::string_view provider = provider_from_url(r.repo_url);
  if (provider.empty()) provider = provider_from_url(text(body, {"Repo", "Clone"}));
  if (provider.empty() && text(body, {"PullRequest", "Ref"}).starts_with("refs/merge-requests/")) provider = "gitlab";
  r.provider = provider.empty() ? "github" : std::string(provider);

  std::string kind = kind_header.empty() ? infer_kind(body) : lower(kind_header);
  std::string action = text(body, {"Action"});
  r.event = event_for_kind(kind, action, r.provider);
  r.action = (r.event == "create" || r.event == "delete") ? "" : map_action(action);
  r.guid = text(body, {"GUID"});
  r.sender = text(body, {"Sender", "Login"});
  if (r.sender.empty()) r.sender = text(body, {"Sender", "Name"});

  // Ref is a string on push hooks and a {Name, Sha} object on branch, tag
  // and deployment hooks.
  if (auto ref = webhook_fields::at(body, {"Ref"})) {
    if (ref->is_string()) {
      r.ref = text(body, {"Ref"});
    } else {
      r.ref = text(*ref, {"Name"});
      r.sha = text(*ref, {"Sha"});
    }
  }
  if (kind == "push") {
    r.sha = text(body, {"After"});
    if (r.sha.empty()) r.sha = text(body, {"Commit", "Sha"});
    r.base_sha = text(body, {"Before"});
    r.base_ref = text(body, {"BaseRef"});
    r.timestamp = time(body, {"Commit", "Committer", "Date"});
    if (r.timestamp == 0) r.timestamp = time(body, {"Commit", "Author", "Date"});
  }
  if (auto pr = webhook_fields::at(body, {"PullRequest"})) read_pull_request(*pr, r);
  if (action == "merged" || action == "merge") r.pr_merged = true;
  // go-scm marks an issue that is a PR with Issue.PullRequest (a boolean,
  // or an object in some providers' conversions).
  auto issue = webhook_fields::at(body, {"Issue"});
  auto issue_pr = issue ? webhook_fields::at(*issue, {"PullRequest"}) : std::nullopt;
  if (issue_pr && (issue_pr->is_object() || webhook_fields::flag(*issue, {"PullRequest"}))) {
    r.pr_number = text(*issue, {"Number"});
    r.pr_title = text(*issue, {"Title"});
    r.pr_body = text(*issue, {"Body"});
    r.pr_url = text(*issue, {"Link"});
  }
  if (has(body, {"Comment"})) {
    r.comment = text(body, {"Comment", "Body"});
    if (TimeNs t = time(body, {"Comment", "Created"})) r.timestamp = t;
  } else if (has(body, {"Issue"}) && r.timestamp == 0) {
    r.timestamp = time(body, {"Issue", "Updated"});
  }
  if (auto deployment = webhook_fields::at(body, {"Deployment"})) {
    if (r.sha.empty()) r.sha = text(*deployment, {"Sha"});
    if (r.ref.empty()) r.ref = text(*deployment, {"Ref"});
  }
  if (auto release = webhook_fields::at(body, {"Release"})) {
    r.ref = text(*release, {"Tag"});
    std::string commitish = text(*release, {"Commitish"});
    if (webhook_fields::is_full_sha(commitish)) r.sha = commitish;
    r.timestamp = time(*release, {"Published"});
  }
  return r;
}

}  // namespace pipetrace
