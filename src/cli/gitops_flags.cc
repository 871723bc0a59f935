// See gitops_flags.h.
#include "cli/gitops_flags.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "gitops/pr_graph_file.h"
#include "store/store_options.h"

namespace pipetrace {
namespace {

// A token file's content without the trailing newline editors add.
std::string read_token(const std::string& path, const char* flag, std::string& token) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fmt::format("{} {}: cannot read the file", flag, path);
  std::stringstream text;
  text << in.rdbuf();
  token = text.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.empty()) return fmt::format("{} {}: the file is empty", flag, path);
  return "";
}

// ":8080" -> "http://localhost:8080"; "0.0.0.0:9000" -> "http://localhost:9000".
std::string default_external_url(const std::string& listen_addr) {
  auto colon = listen_addr.rfind(':');
  std::string host = colon == std::string::npos ? listen_addr : listen_addr.substr(0, colon);
  std::string port = colon == std::string::npos ? "8080" : listen_addr.substr(colon + 1);
  if (host.empty() || host == "0.0.0.0" || host == "[::]") host = "localhost";
  return "http://" + host + ":" + port;
}

}  // namespace

void add_gitops_flags(CLI::App& serve, GitopsFlags& flags) {
  const char* group = "GitOps promotion";
  serve.add_flag("--no-gitops", flags.no_gitops,
                 "Do not trace promotions across pull requests (application PR -> release -> environment PRs)")
      ->envname("PIPETRACE_NO_GITOPS")
      ->group(group);
  serve.add_option("--child-pr-delay", flags.child_pr_delay,
                   "How long a merged PR's span stays open for environment PRs that promote it (30s, 10m); a "
                   "later one starts its own trace, linked to it")
      ->capture_default_str()
      ->envname("PIPETRACE_CHILD_PR_DELAY")
      ->group(group);
  serve.add_option("--github-api-url", flags.github_api_url,
                   "GitHub REST API base URL (GitHub Enterprise: https://HOST/api/v3)")
      ->capture_default_str()
      ->envname("PIPETRACE_GITHUB_API_URL")
      ->group(group);
  serve.add_option("--github-token-file", flags.github_token_file,
                   "File holding a GitHub token; without one GitHub's API is not called (no PR reads, no comments)")
      ->envname("PIPETRACE_GITHUB_TOKEN_FILE")
      ->group(group);
  serve.add_option("--gitlab-api-url", flags.gitlab_api_url, "GitLab REST API base URL (self-managed: https://HOST/api/v4)")
      ->capture_default_str()
      ->envname("PIPETRACE_GITLAB_API_URL")
      ->group(group);
  serve.add_option("--gitlab-token-file", flags.gitlab_token_file,
                   "File holding a GitLab token (api scope); without one GitLab's API is not called")
      ->envname("PIPETRACE_GITLAB_TOKEN_FILE")
      ->group(group);
  serve.add_option("--external-url", flags.external_url,
                   "Base URL at which people reach this service's UI, for the trace link in PR comments when "
                   "--trace-url-template is not set (default http://localhost:PORT)")
      ->envname("PIPETRACE_EXTERNAL_URL")
      ->group(group);
  serve.add_flag("--no-pr-comment", flags.no_pr_comment,
                 "Do not comment on PRs with the link to their trace")
      ->envname("PIPETRACE_NO_PR_COMMENT")
      ->group(group);
}

std::string apply_gitops_flags(const GitopsFlags& flags, const std::string& trace_url_template,
                               const std::string& data_dir, const std::string& listen_addr,
                               serve::ServeConfig& config) {
  gitops::GitopsSettings& settings = config.gitops;
  settings.enabled = !flags.no_gitops;
  if (!settings.enabled) return "";
  auto delay = parse_age(flags.child_pr_delay);
  if (!delay) return fmt::format("--child-pr-delay {} is not a duration such as 30s or 10m", flags.child_pr_delay);
  settings.child_pr_delay = delay->count() * 1000000000LL;
  settings.github_api_url = flags.github_api_url;
  settings.gitlab_api_url = flags.gitlab_api_url;
  if (!flags.github_token_file.empty()) {
    if (std::string err = read_token(flags.github_token_file, "--github-token-file", settings.github_token); !err.empty()) {
      return err;
    }
  }
  if (!flags.gitlab_token_file.empty()) {
    if (std::string err = read_token(flags.gitlab_token_file, "--gitlab-token-file", settings.gitlab_token); !err.empty()) {
      return err;
    }
  }
  settings.comment = !flags.no_pr_comment;
  if (!trace_url_template.empty()) {
    settings.trace_url_template = trace_url_template;
  } else if (!config.data_dir.empty()) {  // the built-in UI is served: link to its trace page
    std::string base = flags.external_url.empty() ? default_external_url(listen_addr) : flags.external_url;
    while (base.ends_with('/')) base.pop_back();
    settings.trace_url_template = base + "/#/trace/{traceId}";
  }
  if (!data_dir.empty()) settings.state_file = data_dir + "/" + gitops::kPrGraphFileName;
  return settings.validate();
}

}  // namespace pipetrace
