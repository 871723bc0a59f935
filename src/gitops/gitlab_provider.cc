// See gitlab_provider.h.
#include "gitops/gitlab_provider.h"

#include <cctype>

#include "gitops/rest_json.h"

namespace pipetrace::gitops {
namespace {

using nlohmann::json;
using rest_json::parse_answer;

// "group/sub/project" -> "group%2Fsub%2Fproject", as the API wants a path id.
std::string project_id(const std::string& path) {
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      static const char* hex = "0123456789ABCDEF";
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

constexpr int kMaxNotePages = 10;

}  // namespace

GitLabProvider::GitLabProvider(ProviderEndpoint endpoint, ProviderHttp& http)
    : endpoint_{rest_json::without_trailing_slashes(std::move(endpoint.api_url)), std::move(endpoint.token)}, http_(http) {}

std::vector<std::string> GitLabProvider::headers() const {
  std::vector<std::string> h;
  if (!endpoint_.token.empty()) h.push_back("PRIVATE-TOKEN: " + endpoint_.token);
  return h;
}

std::string GitLabProvider::merge_request_url(const PrKey& key) const {
  return endpoint_.api_url + "/projects/" + project_id(key.repo) + "/merge_requests/" + key.number;
}

ProviderResult<PrDetails> GitLabProvider::get_pr(const PrKey& key) {
  ProviderResult<PrDetails> result;
  json mr = parse_answer(http_.send("GET", merge_request_url(key), headers()), "reading " + key.text(), result.error);
  if (!result.ok()) return result;
  if (!mr.is_object()) {
    result.error = "reading " + key.text() + ": the answer is not a merge request";
    return result;
  }
  PrDetails& d = result.value;
  d.title = rest_json::text(mr, "title");
  d.body = rest_json::text(mr, "description");
  d.url = rest_json::text(mr, "web_url");
  d.head_ref = rest_json::text(mr, "source_branch");
  d.head_sha = rest_json::text(mr, "sha");
  d.base_ref = rest_json::text(mr, "target_branch");
  d.merge_sha = rest_json::text(mr, "merge_commit_sha");
  if (d.merge_sha.empty()) d.merge_sha = rest_json::text(mr, "squash_commit_sha");
  d.created_at = rest_json::time(mr, "created_at");
  std::string state = rest_json::text(mr, "state");
  d.state = state == "merged" ? "merged" : (state == "closed" || state == "locked") ? "closed" : "open";
  d.finished_at = d.state == "merged" ? rest_json::time(mr, "merged_at") : rest_json::time(mr, "closed_at");
  return result;
}

ProviderResult<std::vector<PrComment>> GitLabProvider::list_comments(const PrKey& key) {
  ProviderResult<std::vector<PrComment>> result;
  for (int page = 1; page <= kMaxNotePages; ++page) {
    const std::string url = merge_request_url(key) + "/notes?per_page=100&page=" + std::to_string(page);
    json list = parse_answer(http_.send("GET", url, headers()), "listing the notes of " + key.text(), result.error);
    if (!result.ok()) return result;
    if (!list.is_array()) {
      result.error = "listing the notes of " + key.text() + ": the answer is not a list";
      return result;
    }
    for (const json& note : list) {
      // System notes ("added 1 commit") are GitLab's own, never ours.
      if (note.is_object() && !note.value("system", false)) {
        result.value.push_back({rest_json::text(note, "id"), rest_json::text(note, "body")});
      }
    }
    if (list.size() < 100) break;
  }
  return result;
}

ProviderResult<PrComment> GitLabProvider::create_comment(const PrKey& key, const std::string& body) {
  ProviderResult<PrComment> result;
  json note = parse_answer(http_.send("POST", merge_request_url(key) + "/notes", headers(), rest_json::body_json(body)),
                           "commenting on " + key.text(), result.error);
  if (result.ok()) result.value = {rest_json::text(note, "id"), rest_json::text(note, "body")};
  return result;
}

ProviderResult<PrComment> GitLabProvider::update_comment(const PrKey& key, const std::string& comment_id,
                                                         const std::string& body) {
  ProviderResult<PrComment> result;
  json note = parse_answer(
      http_.send("PUT", merge_request_url(key) + "/notes/" + comment_id, headers(), rest_json::body_json(body)),
      "updating note " + comment_id + " on " + key.text(), result.error);
  if (result.ok()) result.value = {rest_json::text(note, "id"), rest_json::text(note, "body")};
  return result;
}

}  // namespace pipetrace::gitops
