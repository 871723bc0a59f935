// Everything the GitOps promotion tracing of `serve` runs with, decided at
// start-up (see src/cli/gitops_flags.cc for the flags that fill it).
#pragma once

#include <chrono>
#include <string>

#include "gitops/provider_http.h"
#include "model/span.h"

namespace pipetrace::gitops {

inline constexpr const char* kDefaultGitHubApiUrl = "https://api.github.com";
inline constexpr const char* kDefaultGitLabApiUrl = "https://gitlab.com/api/v4";
inline constexpr TimeNs kDefaultChildPrDelay = 10LL * 60 * 1000000000;

struct GitopsSettings {
  bool enabled = true;
  TimeNs child_pr_delay = kDefaultChildPrDelay;
  // A provider's API is called (PR fetches, comments) only when its token is set.
  std::string github_api_url = kDefaultGitHubApiUrl;
  std::string github_token;
  std::string gitlab_api_url = kDefaultGitLabApiUrl;
  std::string gitlab_token;
  bool comment = true;
  // The link in PR comments, "{traceId}" replaced; "" : the comment shows the ID only.
  std::string trace_url_template;
  std::string state_file;  // "" : the graph lives in memory only
  std::chrono::milliseconds tick_interval{1000};
  std::size_t queue_capacity = 10000;
  ProviderHttpOptions http;

  // Empty when valid, else a message naming the setting.
  std::string validate() const;
};

}  // namespace pipetrace::gitops
