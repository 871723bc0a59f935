// One interface over the git providers' pull/merge requests: how their
// release notes link PRs, and the REST calls pipetrace makes (read a PR,
// list, create and update its comments). GitHub and GitLab implement it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gitops/pr_key.h"
#include "gitops/release_note_links.h"
#include "model/span.h"

namespace pipetrace::gitops {

template <class T>
struct ProviderResult {
  T value{};
  std::string error;  // empty on success; else what failed, naming the PR
  bool ok() const { return error.empty(); }
};

// A PR as the provider's API describes it.
struct PrDetails {
  std::string title;
  std::string body;
  std::string url;
  std::string state;  // "open" | "merged" | "closed"
  std::string head_ref;
  std::string head_sha;
  std::string base_ref;
  std::string merge_sha;
  TimeNs created_at = 0;
  TimeNs finished_at = 0;  // merged_at, else closed_at
};

struct PrComment {
  std::string id;
  std::string body;
};

class PrProvider {
 public:
  virtual ~PrProvider() = default;
  virtual std::string name() const = 0;  // "github" | "gitlab"

  // The PRs and commits a PR body of this provider links.
  std::vector<NoteLink> links_in(std::string_view body) const { return parse_release_note_links(body, name()); }

  virtual ProviderResult<PrDetails> get_pr(const PrKey& key) = 0;
  virtual ProviderResult<std::vector<PrComment>> list_comments(const PrKey& key) = 0;
  virtual ProviderResult<PrComment> create_comment(const PrKey& key, const std::string& body) = 0;
  virtual ProviderResult<PrComment> update_comment(const PrKey& key, const std::string& comment_id,
                                                   const std::string& body) = 0;
};

// Where to reach a provider and with which token.
struct ProviderEndpoint {
  std::string api_url;  // "https://api.github.com", "https://gitlab.com/api/v4"
  std::string token;    // "" : anonymous (reads of public repositories only)
};

// The providers serve knows, by name.
struct PrProviders {
  PrProvider* github = nullptr;
  PrProvider* gitlab = nullptr;
  PrProvider* find(std::string_view name) const {
    if (name == "github") return github;
    if (name == "gitlab") return gitlab;
    return nullptr;
  }
};

}  // namespace pipetrace::gitops
