// What the watcher remembers per object: its resourceVersion (and, so that
// a deletion noticed on relist can name the object, its namespace and name).
// No object bodies are kept; a relist is compared against this to emit only
// the differences.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace pipetrace::kube {

struct ObjectIdentity {
  std::string uid;  // or "namespace/name" for objects without a uid
  std::string ns;
  std::string name;
  std::string resource_version;
};

enum class VersionChange { Added, Modified, Unchanged };

class ObjectVersions {
 public:
  // Records the object's version from a watch event or a list item.
  VersionChange observe(const ObjectIdentity& object);
  // A DELETED event; returns false when the object was not known.
  bool forget(std::string_view key);

  // A relist: call begin, then observe_listed for every item of every page,
  // then end, which returns (and forgets) the objects the list did not have:
  // they were deleted while the watch was away.
  void begin_relist();
  VersionChange observe_listed(const ObjectIdentity& object);
  std::vector<ObjectIdentity> end_relist();

  std::size_t size() const { return versions_.size(); }
  bool known(std::string_view key, std::string_view resource_version) const;

  static std::string key_of(const ObjectIdentity& object);

 private:
  struct Entry {
    std::string uid;
    std::string ns;
    std::string name;
    std::string resource_version;
  };
  std::unordered_map<std::string, Entry> versions_;
  std::unordered_set<std::string> listed_;
};

}  // namespace pipetrace::kube
