// Keeps the PR graph across restarts: one JSON file under serve's --data-dir,
// replaced atomically (written to a temporary file, flushed, renamed over
// the old one) so that a crash leaves either the old or the new state.
#pragma once

#include <string>

#include "gitops/pr_graph.h"

namespace pipetrace::gitops {

inline constexpr const char* kPrGraphFileName = "gitops-prs.json";

// Empty on success, else a message naming the file.
std::string save_pr_graph(const PrGraph& graph, const std::string& path);
// A missing file is an empty graph (first start), not an error.
std::string load_pr_graph(const std::string& path, PrGraph& graph);

}  // namespace pipetrace::gitops
