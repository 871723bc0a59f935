// GitLab's REST API (v4) for merge requests; the project is named by its
// URL-encoded path ("group%2Fsub%2Fproject"):
//   GET  /projects/{id}/merge_requests/{iid}
//   GET  /projects/{id}/merge_requests/{iid}/notes?per_page=100&page=P
//   POST /projects/{id}/merge_requests/{iid}/notes            {"body": ...}
//   PUT  /projects/{id}/merge_requests/{iid}/notes/{note_id}  {"body": ...}
#pragma once

#include "gitops/pr_provider.h"
#include "gitops/provider_http.h"

namespace pipetrace::gitops {

class GitLabProvider final : public PrProvider {
 public:
  GitLabProvider(ProviderEndpoint endpoint, ProviderHttp& http);
  std::string name() const override { return "gitlab"; }
  ProviderResult<PrDetails> get_pr(const PrKey& key) override;
  ProviderResult<std::vector<PrComment>> list_comments(const PrKey& key) override;
  ProviderResult<PrComment> create_comment(const PrKey& key, const std::string& body) override;
  ProviderResult<PrComment> update_comment(const PrKey& key, const std::string& comment_id,
                                           const std::string& body) override;

 private:
  std::string merge_request_url(const PrKey& key) const;
  std::vector<std::string> headers() const;
  ProviderEndpoint endpoint_;
  ProviderHttp& http_;
};

}  // namespace pipetrace::gitops
