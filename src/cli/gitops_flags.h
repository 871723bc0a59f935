// The `serve` flags of GitOps promotion tracing (group "GitOps promotion"),
// kept apart from serve_command.cc: registration, and their translation into
// ServeConfig (tokens read from their files, the comment link decided).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "serve/serve_config.h"

namespace pipetrace {

struct GitopsFlags {
  bool no_gitops = false;
  std::string child_pr_delay = "10m";
  std::string github_api_url = "https://api.github.com";
  std::string github_token_file;
  std::string gitlab_api_url = "https://gitlab.com/api/v4";
  std::string gitlab_token_file;
  std::string external_url;
  bool no_pr_comment = false;
};

void add_gitops_flags(CLI::App& serve, GitopsFlags& flags);

// Fills config.gitops. `trace_url_template` is serve's --trace-url-template
// (shared with the UI); `data_dir` and `listen_addr` are serve's. Empty when
// valid, else the message naming the flag at fault.
std::string apply_gitops_flags(const GitopsFlags& flags, const std::string& trace_url_template,
                               const std::string& data_dir, const std::string& listen_addr,
                               serve::ServeConfig& config);

}  // namespace pipetrace
