// See gitops_settings.h.
#include "gitops/gitops_settings.h"

namespace pipetrace::gitops {
namespace {

bool is_http_url(const std::string& url) { return url.starts_with("https://") || url.starts_with("http://"); }

}  // namespace

std::string GitopsSettings::validate() const {
  if (child_pr_delay < 0) return "--child-pr-delay must not be negative";
  if (!is_http_url(github_api_url)) return "--github-api-url \"" + github_api_url + "\" is not an http(s) URL";
  if (!is_http_url(gitlab_api_url)) return "--gitlab-api-url \"" + gitlab_api_url + "\" is not an http(s) URL";
  if (!trace_url_template.empty() && trace_url_template.find("{traceId}") == std::string::npos) {
    return "--trace-url-template \"" + trace_url_template + "\" has no {traceId} placeholder";
  }
  return "";
}

}  // namespace pipetrace::gitops
