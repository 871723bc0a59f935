// GitHub's REST API for pull requests (PR comments are issue comments):
//   GET   /repos/{owner}/{repo}/pulls/{n}
//   GET   /repos/{owner}/{repo}/issues/{n}/comments?per_page=100&page=P
//   POST  /repos/{owner}/{repo}/issues/{n}/comments        {"body": ...}
//   PATCH /repos/{owner}/{repo}/issues/comments/{id}       {"body": ...}
#pragma once

#include "gitops/pr_provider.h"
#include "gitops/provider_http.h"

namespace pipetrace::gitops {

class GitHubProvider final : public PrProvider {
 public:
  GitHubProvider(ProviderEndpoint endpoint, ProviderHttp& http);
  std::string name() const override { return "github"; }
  ProviderResult<PrDetails> get_pr(const PrKey& key) override;
  ProviderResult<std::vector<PrComment>> list_comments(const PrKey& key) override;
  ProviderResult<PrComment> create_comment(const PrKey& key, const std::string& body) override;
  ProviderResult<PrComment> update_comment(const PrKey& key, const std::string& comment_id,
                                           const std::string& body) override;

 private:
  std::vector<std::string> headers() const;
  ProviderEndpoint endpoint_;
  ProviderHttp& http_;
};

}  // namespace pipetrace::gitops
