// Object storage, resourceVersions and history (see object_store.h).
#include "object_store.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <ctime>

namespace pipetrace::testing {
namespace {

// Past this many events the oldest are forgotten, as etcd compacts.
constexpr std::size_t kHistoryLimit = 200000;

std::string now_rfc3339() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string object_key(const std::string& ns, const std::string& name) { return ns + "/" + name; }

Json& metadata_of(Json& object) {
  if (!object.contains("metadata") || !object["metadata"].is_object()) object["metadata"] = Json::object();
  return object["metadata"];
}

std::string text_field(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string to_hex(const std::string& s) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string from_hex(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i + 1 < s.size(); i += 2) out += static_cast<char>(std::stoi(s.substr(i, 2), nullptr, 16));
  return out;
}

// Strategic-merge-patch directives ("$patch", "$setElementOrder/...") mean
// nothing to a plain merge patch; dropping them is enough for kubectl's
// annotate, label and apply of simple objects.
void strip_directives(Json& patch) {
  if (patch.is_object()) {
    for (auto it = patch.begin(); it != patch.end();) {
      if (it.key().rfind("$", 0) == 0) {
        it = patch.erase(it);
      } else {
        strip_directives(it.value());
        ++it;
      }
    }
  } else if (patch.is_array()) {
    for (auto& item : patch) strip_directives(item);
  }
}

StoreResult not_found(const ServedResource& r, const std::string& name) {
  StoreResult result{404, status_body(404, "NotFound", r.plural + (r.group.empty() ? "" : "." + r.group) + " \"" +
                                                           name + "\" not found")};
  result.body["details"] = {{"name", name}, {"group", r.group}, {"kind", r.plural}};
  return result;
}

}  // namespace

Json status_body(int code, const std::string& reason, const std::string& message) {
  return {{"kind", "Status"},
          {"apiVersion", "v1"},
          {"metadata", Json::object()},
          {"status", "Failure"},
          {"message", message},
          {"reason", reason},
          {"code", code}};
}

Json served_form(const Json& object, const ServedResource& r, bool as_list_item) {
  Json out = object;
  if (as_list_item && r.group.empty()) {
    out.erase("kind");
    out.erase("apiVersion");
    return out;
  }
  out["apiVersion"] = r.api_version();
  if (!out.contains("kind")) out["kind"] = r.kind;
  return out;
}

ObjectStore::ObjectStore(std::int64_t first_resource_version)
    : version_(first_resource_version), compacted_(0), random_(std::random_device{}()) {}

std::string ObjectStore::next_uid() {
  std::uniform_int_distribution<std::uint64_t> dist;
  std::uint64_t a = dist(random_), b = dist(random_);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-4%03llx-%04llx-%012llx", static_cast<unsigned long long>(a >> 32),
                static_cast<unsigned long long>((a >> 16) & 0xffff), static_cast<unsigned long long>(a & 0xfff),
                static_cast<unsigned long long>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

std::int64_t ObjectStore::record(const std::string& type, const ServedResource& r, const std::string& ns,
                                 const Json& object) {
  std::int64_t rv = std::stoll(text_field(object["metadata"], "resourceVersion"));
  history_.push_back({rv, type, resource_key(r), ns, object});
  while (history_.size() > kHistoryLimit) {
    compacted_ = history_.front().resource_version;
    history_.pop_front();
  }
  changed_.notify_all();
  return rv;
}

StoreResult ObjectStore::create(const ServedResource& r, const std::string& ns_in, Json object) {
  if (!object.is_object()) return {400, status_body(400, "BadRequest", "the body is not a JSON object")};
  Json& meta = metadata_of(object);
  std::string ns = r.namespaced ? (ns_in.empty() ? text_field(meta, "namespace") : ns_in) : "";
  if (r.namespaced && ns.empty()) ns = "default";
  std::string body_ns = text_field(meta, "namespace");
  if (r.namespaced && !body_ns.empty() && body_ns != ns)
    return {400, status_body(400, "BadRequest",
                             "the namespace of the provided object (" + body_ns +
                                 ") does not match the namespace sent on the request (" + ns + ")")};
  std::lock_guard lock(mutex_);
  std::string name = text_field(meta, "name");
  if (name.empty()) {
    std::string prefix = text_field(meta, "generateName");
    if (prefix.empty()) return {422, status_body(422, "Invalid", r.kind + " has no metadata.name")};
    static const char* alphabet = "bcdfghjklmnpqrstvwxz2456789";
    std::uniform_int_distribution<int> pick(0, 26);
    name = prefix;
    for (int i = 0; i < 5; ++i) name += alphabet[pick(random_)];
    meta["name"] = name;
  }
  auto& objects = objects_[resource_key(r)];
  if (objects.count(object_key(ns, name)))
    return {409, status_body(409, "AlreadyExists",
                             r.plural + (r.group.empty() ? "" : "." + r.group) + " \"" + name + "\" already exists")};
  if (r.namespaced) meta["namespace"] = ns;
  else meta.erase("namespace");
  if (text_field(meta, "uid").empty()) meta["uid"] = next_uid();
  if (text_field(meta, "creationTimestamp").empty()) meta["creationTimestamp"] = now_rfc3339();
  meta["resourceVersion"] = std::to_string(++version_);
  if (!meta.contains("generation")) meta["generation"] = 1;
  object["apiVersion"] = r.api_version();
  if (!object.contains("kind")) object["kind"] = r.kind;
  objects[object_key(ns, name)] = object;
  record("ADDED", r, ns, object);
  return {201, object};
}

StoreResult ObjectStore::update(const ServedResource& r, const std::string& ns_in, const std::string& name,
                                Json object) {
  if (!object.is_object()) return {400, status_body(400, "BadRequest", "the body is not a JSON object")};
  std::string ns = r.namespaced ? ns_in : "";
  std::lock_guard lock(mutex_);
  auto& objects = objects_[resource_key(r)];
  auto it = objects.find(object_key(ns, name));
  if (it == objects.end()) return not_found(r, name);
  Json& meta = metadata_of(object);
  if (!text_field(meta, "name").empty() && text_field(meta, "name") != name)
    return {400, status_body(400, "BadRequest", "the name of the object does not match the name on the URL")};
  std::string wanted = text_field(meta, "resourceVersion");
  const Json& old_meta = it->second["metadata"];
  if (!wanted.empty() && wanted != text_field(old_meta, "resourceVersion"))
    return {409, status_body(409, "Conflict",
                             "Operation cannot be fulfilled on " + r.plural + " \"" + name +
                                 "\": the object has been modified; please apply your changes to the latest "
                                 "version and try again")};
  meta["name"] = name;
  if (r.namespaced) meta["namespace"] = ns;
  meta["uid"] = old_meta.value("uid", Json(""));
  meta["creationTimestamp"] = old_meta.value("creationTimestamp", Json(""));
  std::int64_t generation = old_meta.contains("generation") && old_meta["generation"].is_number_integer()
                                ? old_meta["generation"].get<std::int64_t>()
                                : 1;
  bool spec_changed = object.value("spec", Json()) != it->second.value("spec", Json());
  meta["generation"] = spec_changed ? generation + 1 : generation;
  meta["resourceVersion"] = std::to_string(++version_);
  object["apiVersion"] = r.api_version();
  if (!object.contains("kind")) object["kind"] = r.kind;
  it->second = object;
  record("MODIFIED", r, ns, object);
  return {200, object};
}

StoreResult ObjectStore::patch(const ServedResource& r, const std::string& ns_in, const std::string& name,
                               const std::string& content_type, const std::string& body) {
  Json current;
  {
    std::lock_guard lock(mutex_);
    auto& objects = objects_[resource_key(r)];
    auto it = objects.find(object_key(r.namespaced ? ns_in : "", name));
    if (it == objects.end()) return not_found(r, name);
    current = it->second;
  }
  Json patch = Json::parse(body, nullptr, false);
  if (patch.is_discarded()) return {400, status_body(400, "BadRequest", "the patch is not valid JSON")};
  Json patched = current;
  try {
    if (content_type.find("json-patch+json") != std::string::npos) {
      patched = current.patch(patch);
    } else if (content_type.find("merge-patch+json") != std::string::npos) {
      if (content_type.find("strategic") != std::string::npos) strip_directives(patch);
      patched.merge_patch(patch);
    } else {
      return {415, status_body(415, "UnsupportedMediaType",
                               "the test API server takes merge, strategic-merge and JSON patches, not " +
                                   content_type)};
    }
  } catch (const std::exception& e) {
    return {422, status_body(422, "Invalid", std::string("the patch cannot be applied: ") + e.what())};
  }
  // A patch does not carry a resourceVersion precondition unless it sets one.
  Json& meta = metadata_of(patched);
  if (text_field(meta, "resourceVersion") == text_field(current["metadata"], "resourceVersion"))
    meta.erase("resourceVersion");
  return update(r, ns_in, name, patched);
}

StoreResult ObjectStore::remove(const ServedResource& r, const std::string& ns_in, const std::string& name) {
  std::string ns = r.namespaced ? ns_in : "";
  std::lock_guard lock(mutex_);
  auto& objects = objects_[resource_key(r)];
  auto it = objects.find(object_key(ns, name));
  if (it == objects.end()) return not_found(r, name);
  Json object = std::move(it->second);
  objects.erase(it);
  object["metadata"]["resourceVersion"] = std::to_string(++version_);
  record("DELETED", r, ns, object);
  return {200, object};
}

StoreResult ObjectStore::get(const ServedResource& r, const std::string& ns, const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto resource = objects_.find(resource_key(r));
  if (resource == objects_.end()) return not_found(r, name);
  auto it = resource->second.find(object_key(r.namespaced ? ns : "", name));
  if (it == resource->second.end()) return not_found(r, name);
  return {200, it->second};
}

StoreResult ObjectStore::apply(const ServedResource& r, Json object) {
  std::string ns = r.namespaced ? text_field(metadata_of(object), "namespace") : "";
  if (r.namespaced && ns.empty()) ns = "default";
  std::string name = text_field(metadata_of(object), "name");
  metadata_of(object).erase("resourceVersion");
  bool exists = false;
  {
    std::lock_guard lock(mutex_);
    auto resource = objects_.find(resource_key(r));
    exists = resource != objects_.end() && resource->second.count(object_key(ns, name)) > 0;
  }
  // Not there yet: create keeps a fixture's uid and timestamps.
  if (!exists) return create(r, ns, std::move(object));
  return update(r, ns, name, std::move(object));
}

StoreResult ObjectStore::list(const ServedResource& r, const std::string& ns, const Selector& labels,
                              const Selector& fields, std::size_t limit, const std::string& continue_token) const {
  std::lock_guard lock(mutex_);
  std::int64_t at = version_;
  std::string start_after;
  if (!continue_token.empty()) {
    auto dot = continue_token.find('.');
    try {
      at = std::stoll(continue_token.substr(0, dot));
      start_after = dot == std::string::npos ? "" : from_hex(continue_token.substr(dot + 1));
    } catch (const std::exception&) {
      return {400, status_body(400, "BadRequest", "continue key is not valid")};
    }
    if (at < compacted_)
      return {410, status_body(410, "Expired",
                               "The provided continue parameter is too old to display a consistent list result. "
                               "You can start a new list without the continue parameter.")};
  }
  Json items = Json::array();
  std::string last_key;
  bool more = false;
  auto resource = objects_.find(resource_key(r));
  if (resource != objects_.end()) {
    auto it = start_after.empty() ? resource->second.begin() : resource->second.upper_bound(start_after);
    for (; it != resource->second.end(); ++it) {
      const Json& object = it->second;
      if (!ns.empty() && it->first.rfind(ns + "/", 0) != 0) continue;
      if (!labels.matches(object) || !fields.matches(object)) continue;
      if (limit > 0 && items.size() >= limit) {
        more = true;
        break;
      }
      items.push_back(served_form(object, r, /*as_list_item=*/true));
      last_key = it->first;
    }
  }
  Json metadata = {{"resourceVersion", std::to_string(at)}};
  if (more) metadata["continue"] = std::to_string(at) + "." + to_hex(last_key);
  return {200, Json{{"kind", r.kind + "List"}, {"apiVersion", r.api_version()}, {"metadata", metadata}, {"items", items}}};
}

std::vector<StoredEvent> ObjectStore::wait_events(const ServedResource& r, const std::string& ns, std::int64_t after,
                                                  std::chrono::steady_clock::time_point deadline,
                                                  const std::function<bool()>& keep_waiting) {
  std::string key = resource_key(r);
  std::unique_lock lock(mutex_);
  std::vector<StoredEvent> found;
  auto collect = [&] {
    if (history_.empty() || history_.back().resource_version <= after) return false;
    auto it = std::upper_bound(history_.begin(), history_.end(), after,
                               [](std::int64_t v, const StoredEvent& e) { return v < e.resource_version; });
    for (; it != history_.end(); ++it)
      if (it->resource == key && (ns.empty() || it->ns == ns)) found.push_back(*it);
    return !found.empty();
  };
  while (!collect()) {
    if (!keep_waiting()) break;
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      collect();
      break;
    }
  }
  return found;
}

std::vector<Json> ObjectStore::snapshot(const ServedResource& r, const std::string& ns,
                                        std::int64_t& at_version) const {
  std::lock_guard lock(mutex_);
  at_version = version_;
  std::vector<Json> out;
  auto resource = objects_.find(resource_key(r));
  if (resource == objects_.end()) return out;
  for (const auto& [k, object] : resource->second)
    if (ns.empty() || k.rfind(ns + "/", 0) == 0) out.push_back(object);
  return out;
}

std::int64_t ObjectStore::bookmark_version(const ServedResource& r, const std::string& ns,
                                           std::int64_t after) const {
  std::string key = resource_key(r);
  std::lock_guard lock(mutex_);
  for (auto it = history_.rbegin(); it != history_.rend() && it->resource_version > after; ++it)
    if (it->resource == key && (ns.empty() || it->ns == ns)) return after;
  return std::max(after, version_);
}

void ObjectStore::notify_all() {
  std::lock_guard lock(mutex_);
  changed_.notify_all();
}

std::int64_t ObjectStore::current_version() const {
  std::lock_guard lock(mutex_);
  return version_;
}

std::int64_t ObjectStore::compacted_version() const {
  std::lock_guard lock(mutex_);
  return compacted_;
}

void ObjectStore::compact() {
  std::lock_guard lock(mutex_);
  compacted_ = version_;
  history_.clear();
  changed_.notify_all();
}

void ObjectStore::new_history() {
  std::lock_guard lock(mutex_);
  version_ += 100000;
  for (auto& [resource, objects] : objects_)
    for (auto& [k, object] : objects) object["metadata"]["resourceVersion"] = std::to_string(++version_);
  compacted_ = version_;
  history_.clear();
  changed_.notify_all();
}

std::vector<StoredEvent> ObjectStore::history() const {
  std::lock_guard lock(mutex_);
  return {history_.begin(), history_.end()};
}

std::size_t ObjectStore::object_count(const ServedResource& r) const {
  std::lock_guard lock(mutex_);
  auto it = objects_.find(resource_key(r));
  return it == objects_.end() ? 0 : it->second.size();
}

}  // namespace pipetrace::testing
