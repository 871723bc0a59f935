// Provider-specific URL shapes for pull requests and commits.
#include "ui/vcs_links.h"

#include <algorithm>
#include <cctype>

namespace pipetrace {
namespace {

enum class Provider { GitHub, GitLab, Bitbucket };

Provider provider_of(std::string_view url) {
  if (url.find("gitlab") != std::string_view::npos) return Provider::GitLab;
  if (url.find("bitbucket") != std::string_view::npos) return Provider::Bitbucket;
  return Provider::GitHub;
}

bool safe_path_part(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.';
  });
}

}  // namespace

std::string repository_web_url(std::string_view repository) {
  std::string url(repository);
  if (url.starts_with("git@")) {
    // git@host:owner/repo.git
    auto colon = url.find(':');
    if (colon == std::string::npos) return {};
    url = "https://" + url.substr(4, colon - 4) + "/" + url.substr(colon + 1);
  }
  if (!url.starts_with("https://") && !url.starts_with("http://")) return {};
  if (url.ends_with(".git")) url.resize(url.size() - 4);
  while (url.ends_with("/")) url.pop_back();
  return url;
}

std::string change_url(std::string_view repository, std::string_view change_id) {
  std::string base = repository_web_url(repository);
  if (base.empty() || !safe_path_part(change_id)) return {};
  switch (provider_of(base)) {
    case Provider::GitLab: return base + "/-/merge_requests/" + std::string(change_id);
    case Provider::Bitbucket: return base + "/pull-requests/" + std::string(change_id);
    case Provider::GitHub: break;
  }
  return base + "/pull/" + std::string(change_id);
}

std::string commit_url(std::string_view repository, std::string_view commit) {
  std::string base = repository_web_url(repository);
  if (base.empty() || !safe_path_part(commit)) return {};
  switch (provider_of(base)) {
    case Provider::GitLab: return base + "/-/commit/" + std::string(commit);
    case Provider::Bitbucket: return base + "/commits/" + std::string(commit);
    case Provider::GitHub: break;
  }
  return base + "/commit/" + std::string(commit);
}

std::string trace_backend_url(std::string_view url_template, std::string_view trace_id) {
  std::string out(url_template);
  constexpr std::string_view kPlaceholder = "{traceId}";
  for (auto at = out.find(kPlaceholder); at != std::string::npos; at = out.find(kPlaceholder, at + trace_id.size())) {
    out.replace(at, kPlaceholder.size(), trace_id);
  }
  return out;
}

}  // namespace pipetrace
