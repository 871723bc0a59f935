// Discovery for the test API server (see resource_registry.h).
#include "resource_registry.h"

#include <algorithm>

namespace pipetrace::testing {
namespace {

std::string key(const std::string& group, const std::string& version, const std::string& plural) {
  return group + "/" + version + "/" + plural;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

ResourceRegistry::ResourceRegistry() {
  struct Row {
    const char* group;
    const char* version;
    const char* plural;
    const char* kind;
    bool namespaced;
    std::vector<std::string> short_names;
  };
  const Row rows[] = {
      {"", "v1", "pods", "Pod", true, {"po"}},
      {"", "v1", "events", "Event", true, {"ev"}},
      {"", "v1", "namespaces", "Namespace", false, {"ns"}},
      {"", "v1", "configmaps", "ConfigMap", true, {"cm"}},
      {"", "v1", "secrets", "Secret", true, {}},
      {"", "v1", "services", "Service", true, {"svc"}},
      {"", "v1", "serviceaccounts", "ServiceAccount", true, {"sa"}},
      {"", "v1", "endpoints", "Endpoints", true, {"ep"}},
      {"", "v1", "nodes", "Node", false, {"no"}},
      {"", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, {"pvc"}},
      {"apps", "v1", "deployments", "Deployment", true, {"deploy"}},
      {"apps", "v1", "replicasets", "ReplicaSet", true, {"rs"}},
      {"apps", "v1", "statefulsets", "StatefulSet", true, {"sts"}},
      {"apps", "v1", "daemonsets", "DaemonSet", true, {"ds"}},
      {"batch", "v1", "jobs", "Job", true, {}},
      {"batch", "v1", "cronjobs", "CronJob", true, {"cj"}},
      {"events.k8s.io", "v1", "events", "Event", true, {"ev"}},
      {"coordination.k8s.io", "v1", "leases", "Lease", true, {}},
      {"rbac.authorization.k8s.io", "v1", "roles", "Role", true, {}},
      {"rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, {}},
      {"rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, {}},
      {"rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false, {}},
      {"networking.k8s.io", "v1", "ingresses", "Ingress", true, {"ing"}},
      // What the deployment manifests (deploy/) create besides the kinds above.
      {"admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", false, {}},
      {"apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, {"crd", "crds"}},
      {"tekton.dev", "v1", "pipelineruns", "PipelineRun", true, {"pr", "prs"}},
      {"tekton.dev", "v1", "taskruns", "TaskRun", true, {"tr", "trs"}},
      {"tekton.dev", "v1", "pipelines", "Pipeline", true, {}},
      {"tekton.dev", "v1", "tasks", "Task", true, {}},
      {"tekton.dev", "v1beta1", "pipelineruns", "PipelineRun", true, {"pr", "prs"}},
      {"tekton.dev", "v1beta1", "taskruns", "TaskRun", true, {"tr", "trs"}},
      {"tekton.dev", "v1beta1", "pipelines", "Pipeline", true, {}},
      {"tekton.dev", "v1beta1", "tasks", "Task", true, {}},
      {"lighthouse.jenkins.io", "v1alpha1", "lighthousejobs", "LighthouseJob", true, {"lhjob", "lhjobs"}},
      {"jenkins.io", "v1", "pipelineactivities", "PipelineActivity", true, {"act", "pa"}},
      {"jenkins.io", "v1", "pipelinestructures", "PipelineStructure", true, {"ps"}},
  };
  for (const auto& row : rows) {
    add({row.group, row.version, row.plural, lower(row.kind), row.kind, row.namespaced, row.short_names});
  }
}

void ResourceRegistry::add(const ServedResource& resource) {
  std::lock_guard lock(mutex_);
  auto& versions = versions_[resource.group];
  if (std::find(versions.begin(), versions.end(), resource.version) == versions.end())
    versions.push_back(resource.version);
  ServedResource r = resource;
  if (r.singular.empty()) r.singular = lower(r.kind);
  resources_[key(r.group, r.version, r.plural)] = r;
}

bool ResourceRegistry::add_from_crd(const Json& crd) {
  if (!crd.contains("spec") || !crd["spec"].is_object()) return false;
  const Json& spec = crd["spec"];
  std::string group = spec.value("group", "");
  if (group.empty() || !spec.contains("names") || !spec["names"].is_object()) return false;
  const Json& names = spec["names"];
  ServedResource r;
  r.group = group;
  r.plural = names.value("plural", "");
  r.kind = names.value("kind", "");
  r.singular = names.value("singular", "");
  r.namespaced = spec.value("scope", "Namespaced") != "Cluster";
  if (names.contains("shortNames") && names["shortNames"].is_array())
    for (const auto& s : names["shortNames"])
      if (s.is_string()) r.short_names.push_back(s.get<std::string>());
  if (r.plural.empty() || r.kind.empty()) return false;
  bool any = false;
  if (spec.contains("versions") && spec["versions"].is_array()) {
    for (const auto& v : spec["versions"]) {
      if (!v.is_object() || !v.value("served", true)) continue;
      r.version = v.value("name", "");
      if (r.version.empty()) continue;
      add(r);
      any = true;
    }
  }
  if (!any && spec.contains("version") && spec["version"].is_string()) {
    r.version = spec["version"].get<std::string>();
    add(r);
    any = true;
  }
  if (any) restore(group, r.plural);
  return any;
}

std::optional<ServedResource> ResourceRegistry::find(const std::string& group, const std::string& version,
                                                     const std::string& plural) const {
  std::lock_guard lock(mutex_);
  if (withdrawn_.count(group + "/" + plural)) return std::nullopt;
  auto it = resources_.find(key(group, version, plural));
  if (it == resources_.end()) return std::nullopt;
  return it->second;
}

std::optional<ServedResource> ResourceRegistry::find_kind(const std::string& api_version,
                                                          const std::string& kind) const {
  std::lock_guard lock(mutex_);
  for (const auto& [k, r] : resources_)
    if (r.api_version() == api_version && r.kind == kind) return r;
  return std::nullopt;
}

bool ResourceRegistry::withdrawn(const std::string& group, const std::string& plural) const {
  std::lock_guard lock(mutex_);
  return withdrawn_.count(group + "/" + plural) > 0;
}

void ResourceRegistry::withdraw(const std::string& group, const std::string& plural) {
  std::lock_guard lock(mutex_);
  withdrawn_.insert(group + "/" + plural);
}

void ResourceRegistry::restore(const std::string& group, const std::string& plural) {
  std::lock_guard lock(mutex_);
  withdrawn_.erase(group + "/" + plural);
}

Json ResourceRegistry::core_versions(const std::string& server_address) const {
  return {{"kind", "APIVersions"},
          {"versions", {"v1"}},
          {"serverAddressByClientCIDRs", {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", server_address}}}}};
}

Json ResourceRegistry::group_list() const {
  std::lock_guard lock(mutex_);
  Json groups = Json::array();
  for (const auto& [group, versions] : versions_) {
    if (group.empty()) continue;
    Json list = Json::array();
    for (const auto& v : versions) list.push_back({{"groupVersion", group + "/" + v}, {"version", v}});
    groups.push_back({{"name", group},
                      {"versions", list},
                      {"preferredVersion", {{"groupVersion", group + "/" + versions.front()}, {"version", versions.front()}}}});
  }
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

std::optional<Json> ResourceRegistry::resource_list(const std::string& group, const std::string& version) const {
  std::lock_guard lock(mutex_);
  Json resources = Json::array();
  bool found = false;
  std::string prefix = group + "/" + version + "/";
  for (const auto& [k, r] : resources_) {
    if (k.rfind(prefix, 0) != 0) continue;
    found = true;
    if (withdrawn_.count(group + "/" + r.plural)) continue;
    Json verbs = {"create", "delete", "get", "list", "patch", "update", "watch"};
    Json entry = {{"name", r.plural},         {"singularName", r.singular}, {"namespaced", r.namespaced},
                  {"kind", r.kind},           {"verbs", verbs}};
    if (!r.short_names.empty()) entry["shortNames"] = r.short_names;
    resources.push_back(entry);
    if (r.plural == "pods" || r.plural == "pipelineruns" || r.plural == "taskruns") {
      resources.push_back({{"name", r.plural + "/status"},
                           {"singularName", ""},
                           {"namespaced", r.namespaced},
                           {"kind", r.kind},
                           {"verbs", {"get", "patch", "update"}}});
    }
  }
  if (!found) return std::nullopt;
  return Json{{"kind", "APIResourceList"},
              {"apiVersion", "v1"},
              {"groupVersion", group.empty() ? version : group + "/" + version},
              {"resources", resources}};
}

}  // namespace pipetrace::testing
