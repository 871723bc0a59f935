// The test API server's objects: stored per group and resource (any served
// version reads them), each write numbered with a global resourceVersion and
// kept in a history that watches replay from. Compaction and a "restart"
// (new resourceVersion history) make old versions expire, as etcd does.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "label_selector.h"
#include "object_files.h"
#include "resource_registry.h"

namespace pipetrace::testing {

struct StoreResult {
  int status = 200;
  Json body;  // the object, or a Status
};

struct StoredEvent {
  std::int64_t resource_version = 0;
  std::string type;      // ADDED, MODIFIED, DELETED
  std::string resource;  // "group/plural"
  std::string ns;
  Json object;
};

// A Status object as the API server writes it.
Json status_body(int code, const std::string& reason, const std::string& message);

class ObjectStore {
 public:
  explicit ObjectStore(std::int64_t first_resource_version = 1000);

  StoreResult create(const ServedResource& r, const std::string& ns, Json object);
  StoreResult update(const ServedResource& r, const std::string& ns, const std::string& name, Json object);
  // content_type: merge-patch, strategic-merge-patch (taken as a merge patch)
  // or json-patch.
  StoreResult patch(const ServedResource& r, const std::string& ns, const std::string& name,
                    const std::string& content_type, const std::string& body);
  StoreResult remove(const ServedResource& r, const std::string& ns, const std::string& name);
  StoreResult get(const ServedResource& r, const std::string& ns, const std::string& name) const;
  // Create, or replace whatever is there (tests playing a pipeline run).
  StoreResult apply(const ServedResource& r, Json object);

  StoreResult list(const ServedResource& r, const std::string& ns, const Selector& labels, const Selector& fields,
                   std::size_t limit, const std::string& continue_token) const;

  // Watch support. Events after `after` for the resource (and namespace, when
  // not empty), waiting until `deadline` or until `keep_waiting` says stop.
  std::vector<StoredEvent> wait_events(const ServedResource& r, const std::string& ns, std::int64_t after,
                                       std::chrono::steady_clock::time_point deadline,
                                       const std::function<bool()>& keep_waiting);
  // The current objects of a resource (a watch without resourceVersion
  // starts with them as ADDED).
  std::vector<Json> snapshot(const ServedResource& r, const std::string& ns, std::int64_t& at_version) const;
  void notify_all();
  // The version a BOOKMARK may carry for a watch at `after`: the current one
  // when nothing for the resource happened since, else `after`.
  std::int64_t bookmark_version(const ServedResource& r, const std::string& ns, std::int64_t after) const;

  std::int64_t current_version() const;
  // Versions up to here are forgotten: watching or continuing from them
  // answers 410 Gone.
  std::int64_t compacted_version() const;
  void compact();
  // A new resourceVersion history (as after an etcd restore): every object
  // gets a new, much higher version and the history starts empty.
  void new_history();

  std::vector<StoredEvent> history() const;
  std::size_t object_count(const ServedResource& r) const;

 private:
  std::string next_uid();
  std::int64_t record(const std::string& type, const ServedResource& r, const std::string& ns, const Json& object);
  static std::string resource_key(const ServedResource& r) { return r.group + "/" + r.plural; }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::int64_t version_;
  std::int64_t compacted_;
  std::mt19937_64 random_;
  // resource -> "namespace/name" -> object
  std::map<std::string, std::map<std::string, Json>> objects_;
  std::deque<StoredEvent> history_;
};

// The object as served at the request's version (its apiVersion rewritten,
// as a conversion would), and without kind/apiVersion for core-group list
// items, as real API servers write PodLists.
Json served_form(const Json& object, const ServedResource& r, bool as_list_item = false);

}  // namespace pipetrace::testing
