// Per-object resourceVersions and relist differences (see object_versions.h).
#include "kube/object_versions.h"

namespace pipetrace::kube {

std::string ObjectVersions::key_of(const ObjectIdentity& object) {
  if (!object.uid.empty()) return object.uid;
  return object.ns + "/" + object.name;
}

VersionChange ObjectVersions::observe(const ObjectIdentity& object) {
  std::string key = key_of(object);
  auto it = versions_.find(key);
  if (it == versions_.end()) {
    versions_.emplace(std::move(key), Entry{object.uid, object.ns, object.name, object.resource_version});
    return VersionChange::Added;
  }
  if (it->second.resource_version == object.resource_version) return VersionChange::Unchanged;
  it->second.resource_version = object.resource_version;
  return VersionChange::Modified;
}

bool ObjectVersions::forget(std::string_view key) { return versions_.erase(std::string(key)) > 0; }

bool ObjectVersions::known(std::string_view key, std::string_view resource_version) const {
  auto it = versions_.find(std::string(key));
  return it != versions_.end() && it->second.resource_version == resource_version;
}

void ObjectVersions::begin_relist() { listed_.clear(); }

VersionChange ObjectVersions::observe_listed(const ObjectIdentity& object) {
  listed_.insert(key_of(object));
  return observe(object);
}

std::vector<ObjectIdentity> ObjectVersions::end_relist() {
  std::vector<ObjectIdentity> gone;
  for (auto it = versions_.begin(); it != versions_.end();) {
    if (listed_.count(it->first)) {
      ++it;
      continue;
    }
    gone.push_back({it->second.uid, it->second.ns, it->second.name, it->second.resource_version});
    it = versions_.erase(it);
  }
  listed_.clear();
  return gone;
}

}  // namespace pipetrace::kube
