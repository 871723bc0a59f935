// The resources the test API server serves, and the discovery documents
// (/api, /apis, /api/v1, /apis/<group>/<version>) kubectl reads to map kinds
// to paths. Creating a CustomResourceDefinition adds its resource, as on a
// real server; a resource can be withdrawn to play a cluster without a CRD.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "object_files.h"

namespace pipetrace::testing {

struct ServedResource {
  std::string group;  // "" for core
  std::string version;
  std::string plural;
  std::string singular;
  std::string kind;
  bool namespaced = true;
  std::vector<std::string> short_names;

  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
};

class ResourceRegistry {
 public:
  ResourceRegistry();  // the built-in kinds plus the Tekton, Lighthouse and Jenkins X CRDs

  void add(const ServedResource& resource);
  // Registers what a CustomResourceDefinition object declares; false when it
  // declares nothing usable.
  bool add_from_crd(const Json& crd);
  std::optional<ServedResource> find(const std::string& group, const std::string& version,
                                     const std::string& plural) const;
  std::optional<ServedResource> find_kind(const std::string& api_version, const std::string& kind) const;
  // Any version of the group that serves `plural` (objects are stored per
  // group and resource, whatever the version).
  bool withdrawn(const std::string& group, const std::string& plural) const;
  void withdraw(const std::string& group, const std::string& plural);
  void restore(const std::string& group, const std::string& plural);

  Json core_versions(const std::string& server_address) const;  // /api
  Json group_list() const;                                      // /apis
  std::optional<Json> resource_list(const std::string& group, const std::string& version) const;

 private:
  mutable std::mutex mutex_;
  // group -> versions in preference order
  std::map<std::string, std::vector<std::string>> versions_;
  std::map<std::string, ServedResource> resources_;  // "group/version/plural"
  std::set<std::string> withdrawn_;                  // "group/plural"
};

}  // namespace pipetrace::testing
