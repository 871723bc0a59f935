// Links out of a trace: to the pull/merge request and commit on the git
// provider, and to the same trace in another tracing backend.
#pragma once

#include <string>
#include <string_view>

namespace pipetrace {

// "https://github.com/o/r", "git@github.com:o/r.git" -> "https://github.com/o/r";
// empty when the text is not a repository URL.
std::string repository_web_url(std::string_view repository);

// GitHub-style paths, GitLab's "/-/merge_requests/" and Bitbucket's
// "/pull-requests/", chosen by host. Empty when an input is missing.
std::string change_url(std::string_view repository, std::string_view change_id);
std::string commit_url(std::string_view repository, std::string_view commit);

// Replaces every "{traceId}" in the template; empty template, empty result.
std::string trace_backend_url(std::string_view url_template, std::string_view trace_id);

}  // namespace pipetrace
