// bare_simdjson_pass: a generic walk steered by key names only.
#include "bare_simdjson_pass.h"

#include <cstring>
#include <string_view>
#include <unordered_map>

namespace pipetrace::bench {
namespace {

namespace od = simdjson::ondemand;

enum class Touch { Leaf, Container, Entries };

// The keys whose values the extractors read. Containers are descended into;
// every other key is skipped without being parsed.
const std::unordered_map<std::string_view, Touch>& touched_keys() {
  static const std::unordered_map<std::string_view, Touch> keys = [] {
    std::unordered_map<std::string_view, Touch> k;
    for (std::string_view key :
         {"type", "observedAt", "source", "kind", "apiVersion", "name", "namespace", "uid", "resourceVersion",
          "creationTimestamp", "deletionTimestamp", "controller", "phase", "reason", "message", "startTime",
          "completionTime", "podName", "status", "lastTransitionTime", "exitCode", "startedAt", "finishedAt",
          "container", "image", "imageID", "restartCount", "nodeName", "fieldPath", "firstTimestamp",
          "lastTimestamp", "eventTime", "count", "reportingComponent", "job", "agent", "context", "org", "repo",
          "repo_link", "clone_uri", "base_ref", "base_sha", "sha", "number", "author", "link", "state",
          "description", "buildId", "pipeline", "build", "gitUrl", "gitOwner", "gitRepository", "gitBranch",
          "lastCommitSHA", "startedTimestamp", "completedTimestamp", "pipelineTaskName", "GUID", "Ref", "After",
          "Before", "Action", "FullName", "Link", "Clone", "Number", "Sha", "Title", "Login", "Created", "Merged"}) {
      k.emplace(key, Touch::Leaf);
    }
    for (std::string_view key :
         {"object", "body", "metadata", "ownerReferences", "spec", "status", "conditions", "steps", "containers",
          "initContainers", "containerStatuses", "initContainerStatuses", "terminated", "running", "waiting",
          "involvedObject", "regarding", "refs", "pulls", "childReferences", "pipelineRef", "activity", "stages",
          "Repo", "PullRequest", "Base", "Head", "Sender", "Author", "Commit", "series"}) {
      k.emplace(key, Touch::Container);
    }
    k.emplace("labels", Touch::Entries);
    k.emplace("annotations", Touch::Entries);
    k.emplace("headers", Touch::Entries);
    return k;
  }();
  return keys;
}

// Object keys here never hold escapes, so the raw key ends at the next quote.
std::string_view raw_key(const od::raw_json_string& key) {
  const char* p = key.raw();
  return std::string_view(p, static_cast<std::size_t>(std::strchr(p, '"') - p));
}

void walk_value(od::value value, Touch touch, BarePassResult& r);

void read_leaf(od::value value, BarePassResult& r) {
  od::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS) return;
  ++r.values_read;
  switch (type) {
    case od::json_type::string: {
      std::string_view s;
      if (value.get_string().get(s) == simdjson::SUCCESS) r.checksum += s.size();
      break;
    }
    case od::json_type::number: {
      double d;
      if (value.get_double().get(d) == simdjson::SUCCESS) r.checksum += static_cast<std::uint64_t>(d);
      break;
    }
    case od::json_type::boolean: {
      bool b;
      if (value.get_bool().get(b) == simdjson::SUCCESS) r.checksum += b;
      break;
    }
    case od::json_type::object:
      walk_value(value, Touch::Container, r);  // e.g. "status" as an object
      break;
    default:
      break;
  }
}

void walk_object(od::object object, BarePassResult& r) {
  const auto& keys = touched_keys();
  for (auto item : object) {
    od::field field;
    if (std::move(item).get(field) != simdjson::SUCCESS) return;
    auto found = keys.find(raw_key(field.key()));
    if (found == keys.end()) continue;
    walk_value(field.value(), found->second, r);
  }
}

void walk_value(od::value value, Touch touch, BarePassResult& r) {
  if (touch == Touch::Leaf) {
    read_leaf(value, r);
    return;
  }
  od::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS) return;
  if (type == od::json_type::array) {
    od::array array;
    if (value.get_array().get(array) != simdjson::SUCCESS) return;
    for (auto element : array) {
      od::value v;
      if (std::move(element).get(v) != simdjson::SUCCESS) return;
      walk_value(v, touch, r);
    }
  } else if (type == od::json_type::object) {
    od::object object;
    if (value.get_object().get(object) != simdjson::SUCCESS) return;
    if (touch == Touch::Entries) {
      for (auto item : object) {
        od::field field;
        if (std::move(item).get(field) != simdjson::SUCCESS) return;
        r.checksum += raw_key(field.key()).size();
        read_leaf(field.value(), r);
      }
    } else {
      walk_object(object, r);
    }
  }
}

}  // namespace

BarePassResult bare_simdjson_pass(const simdjson::padded_string& text) {
  BarePassResult r;
  od::parser parser;
  const char* data = text.data();
  const std::size_t size = text.size();
  const std::size_t capacity = size + simdjson::SIMDJSON_PADDING;
  std::size_t pos = 0;
  while (pos < size) {
    const void* newline = std::memchr(data + pos, '\n', size - pos);
    std::size_t end = newline ? static_cast<std::size_t>(static_cast<const char*>(newline) - data) : size;
    if (end > pos) {
      ++r.lines;
      od::document doc;
      od::object object;
      if (parser.iterate(data + pos, end - pos, capacity - pos).get(doc) != simdjson::SUCCESS ||
          doc.get_object().get(object) != simdjson::SUCCESS) {
        ++r.errors;
      } else {
        walk_object(object, r);
      }
    }
    pos = end + 1;
  }
  return r;
}

}  // namespace pipetrace::bench
