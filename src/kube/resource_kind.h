// The kinds pipetrace watches, and how each maps to API paths.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pipetrace::kube {

// One group/version/resource the server may serve.
struct ApiResource {
  std::string group;    // "" for the core group
  std::string version;  // "v1"
  std::string plural;   // "pipelineruns"
  std::string kind;     // "PipelineRun"

  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  // "/api/v1" or "/apis/<group>/<version>"
  std::string group_version_path() const;
  // The collection, in one namespace or (empty `ns`) across all of them.
  std::string collection_path(std::string_view ns) const;
  std::string object_path(std::string_view ns, std::string_view name) const;
};

// A kind to watch: its name on the command line, the resources to try in
// order (Events: events.k8s.io/v1, falling back to core v1 on servers that
// lack it), and a label selector (CI pods only).
struct WatchedKind {
  std::string name;  // "pipelineruns"
  std::vector<ApiResource> candidates;
  std::string label_selector;
  bool namespaced = true;
};

inline constexpr std::string_view kDefaultPodSelector = "tekton.dev/taskRun";

// LighthouseJobs, PipelineRuns, TaskRuns, PipelineActivities, Pods (with
// `pod_selector`) and Events.
std::vector<WatchedKind> default_watched_kinds(std::string_view pod_selector = kDefaultPodSelector);

// Picks kinds by command-line name; nullopt names the unknown entry in `error`.
std::optional<std::vector<WatchedKind>> select_watched_kinds(const std::vector<std::string>& names,
                                                             std::string_view pod_selector, std::string& error);

// Percent-encodes a query parameter value.
std::string url_encode(std::string_view value);

}  // namespace pipetrace::kube
