// See github_provider.h.
#include "gitops/github_provider.h"

#include "gitops/rest_json.h"

namespace pipetrace::gitops {
namespace {

using nlohmann::json;
using rest_json::parse_answer;

constexpr int kMaxCommentPages = 10;  // 1000 comments: ours is found long before

}  // namespace

GitHubProvider::GitHubProvider(ProviderEndpoint endpoint, ProviderHttp& http)
    : endpoint_{rest_json::without_trailing_slashes(std::move(endpoint.api_url)), std::move(endpoint.token)}, http_(http) {}

std::vector<std::string> GitHubProvider::headers() const {
  std::vector<std::string> h{"Accept: application/vnd.github+json", "X-GitHub-Api-Version: 2022-11-28"};
  if (!endpoint_.token.empty()) h.push_back("Authorization: Bearer " + endpoint_.token);
  return h;
}

ProviderResult<PrDetails> GitHubProvider::get_pr(const PrKey& key) {
  ProviderResult<PrDetails> result;
  const std::string url = endpoint_.api_url + "/repos/" + key.repo + "/pulls/" + key.number;
  json pr = parse_answer(http_.send("GET", url, headers()), "reading " + key.text(), result.error);
  if (!result.ok()) return result;
  if (!pr.is_object()) {
    result.error = "reading " + key.text() + ": the answer is not a pull request";
    return result;
  }
  PrDetails& d = result.value;
  d.title = rest_json::text(pr, "title");
  d.body = rest_json::text(pr, "body");
  d.url = rest_json::text(pr, "html_url");
  d.head_ref = rest_json::text(pr, "head", "ref");
  d.head_sha = rest_json::text(pr, "head", "sha");
  d.base_ref = rest_json::text(pr, "base", "ref");
  d.merge_sha = rest_json::text(pr, "merge_commit_sha");
  d.created_at = rest_json::time(pr, "created_at");
  TimeNs merged_at = rest_json::time(pr, "merged_at");
  bool merged = merged_at != 0 || pr.value("merged", false);
  d.state = merged ? "merged" : rest_json::text(pr, "state") == "closed" ? "closed" : "open";
  d.finished_at = merged ? merged_at : rest_json::time(pr, "closed_at");
  // Before the merge, merge_commit_sha is GitHub's test merge, not a commit of the base branch.
  if (!merged) d.merge_sha.clear();
  return result;
}

ProviderResult<std::vector<PrComment>> GitHubProvider::list_comments(const PrKey& key) {
  ProviderResult<std::vector<PrComment>> result;
  for (int page = 1; page <= kMaxCommentPages; ++page) {
    const std::string url = endpoint_.api_url + "/repos/" + key.repo + "/issues/" + key.number +
                            "/comments?per_page=100&page=" + std::to_string(page);
    json list = parse_answer(http_.send("GET", url, headers()), "listing the comments of " + key.text(), result.error);
    if (!result.ok()) return result;
    if (!list.is_array()) {
      result.error = "listing the comments of " + key.text() + ": the answer is not a list";
      return result;
    }
    for (const json& comment : list) {
      if (comment.is_object()) result.value.push_back({rest_json::text(comment, "id"), rest_json::text(comment, "body")});
    }
    if (list.size() < 100) break;
  }
  return result;
}

ProviderResult<PrComment> GitHubProvider::create_comment(const PrKey& key, const std::string& body) {
  ProviderResult<PrComment> result;
  const std::string url = endpoint_.api_url + "/repos/" + key.repo + "/issues/" + key.number + "/comments";
  json comment = parse_answer(http_.send("POST", url, headers(), rest_json::body_json(body)),
                              "commenting on " + key.text(), result.error);
  if (result.ok()) result.value = {rest_json::text(comment, "id"), rest_json::text(comment, "body")};
  return result;
}

ProviderResult<PrComment> GitHubProvider::update_comment(const PrKey& key, const std::string& comment_id,
                                                         const std::string& body) {
  ProviderResult<PrComment> result;
  const std::string url = endpoint_.api_url + "/repos/" + key.repo + "/issues/comments/" + comment_id;
  json comment = parse_answer(http_.send("PATCH", url, headers(), rest_json::body_json(body)),
                              "updating comment " + comment_id + " on " + key.text(), result.error);
  if (result.ok()) result.value = {rest_json::text(comment, "id"), rest_json::text(comment, "body")};
  return result;
}

}  // namespace pipetrace::gitops
