// The watched kinds and their API paths (see resource_kind.h).
#include "kube/resource_kind.h"

#include <algorithm>
#include <cctype>

namespace pipetrace::kube {

std::string ApiResource::group_version_path() const {
  return group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
}

std::string ApiResource::collection_path(std::string_view ns) const {
  std::string path = group_version_path();
  if (!ns.empty()) path += "/namespaces/" + url_encode(ns);
  return path + "/" + plural;
}

std::string ApiResource::object_path(std::string_view ns, std::string_view name) const {
  return collection_path(ns) + "/" + url_encode(name);
}

std::vector<WatchedKind> default_watched_kinds(std::string_view pod_selector) {
  return {
      {"lighthousejobs", {{"lighthouse.jenkins.io", "v1alpha1", "lighthousejobs", "LighthouseJob"}}, "", true},
      {"pipelineruns", {{"tekton.dev", "v1", "pipelineruns", "PipelineRun"}}, "", true},
      {"taskruns", {{"tekton.dev", "v1", "taskruns", "TaskRun"}}, "", true},
      {"pipelineactivities", {{"jenkins.io", "v1", "pipelineactivities", "PipelineActivity"}}, "", true},
      {"pods", {{"", "v1", "pods", "Pod"}}, std::string(pod_selector), true},
      {"events", {{"events.k8s.io", "v1", "events", "Event"}, {"", "v1", "events", "Event"}}, "", true},
  };
}

std::optional<std::vector<WatchedKind>> select_watched_kinds(const std::vector<std::string>& names,
                                                             std::string_view pod_selector, std::string& error) {
  auto all = default_watched_kinds(pod_selector);
  if (names.empty()) return all;
  std::vector<WatchedKind> chosen;
  for (const auto& name : names) {
    auto it = std::find_if(all.begin(), all.end(), [&](const WatchedKind& k) { return k.name == name; });
    if (it == all.end()) {
      error = "unknown kind '" + name + "'; choose from";
      for (const auto& k : all) error += " " + k.name;
      return std::nullopt;
    }
    if (std::none_of(chosen.begin(), chosen.end(), [&](const WatchedKind& k) { return k.name == name; }))
      chosen.push_back(*it);
  }
  return chosen;
}

std::string url_encode(std::string_view value) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace pipetrace::kube
