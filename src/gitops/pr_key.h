// The identity of one pull request (GitHub) or merge request (GitLab): the
// provider, the repository path and the number. Everything in the GitOps PR
// graph is keyed by it, and its deterministic IDs come from it.
#pragma once

#include <compare>
#include <string_view>
#include <string>

#include "model/span.h"

namespace pipetrace::gitops {

struct PrKey {
  std::string provider;  // "github" | "gitlab"
  std::string repo;      // "owner/repo" or "group/subgroup/project"
  std::string number;    // PR number or MR iid, decimal
  auto operator<=>(const PrKey&) const = default;

  bool empty() const { return provider.empty() || repo.empty() || number.empty(); }
  // "github:owner/repo#12", "gitlab:group/project!7": for logs and the state file.
  std::string text() const;
};

// The key with the repository path in lower case: both providers treat paths
// case-insensitively, and release notes do not always keep the case.
PrKey make_pr_key(std::string provider, std::string_view repo, std::string number);

// Parses what text() writes; false on anything else.
bool parse_pr_key(std::string_view text, PrKey& out);

// The trace a PR starts when it is nobody's child, and its own span: both
// derived from ("gitops-pr", provider, repo, number) as docs/ids.md describes.
TraceId pr_trace_id(const PrKey& key);
SpanId pr_span_id(const PrKey& key);
// The span of the release run that a PR's merge triggered (one per push delivery).
SpanId release_span_id(const PrKey& key, const std::string& push_guid);

}  // namespace pipetrace::gitops
