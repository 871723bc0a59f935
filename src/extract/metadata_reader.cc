// Reads object metadata (see metadata_reader.h).
#include "extract/metadata_reader.h"

#include <utility>
#include <vector>

namespace pipetrace {
namespace {

void read_owner_ref(json::od::value& value, std::vector<OwnerRef>& owners) {
  OwnerRef ref;
  bool is_object = json::for_each_field(value, [&](std::string_view key, json::od::value& field) {
    if (key == "kind") {
      json::read_string(field, ref.kind);
    } else if (key == "name") {
      json::read_string(field, ref.name);
    } else if (key == "uid") {
      json::read_string(field, ref.uid);
    } else if (key == "apiVersion") {
      json::read_string(field, ref.api_version);
    } else if (key == "controller") {
      ref.controller = json::as_bool(field);
    }
  });
  if (is_object) owners.push_back(std::move(ref));
}

// Labels or annotations: gathered as views first, so that the record's
// vector is allocated once at its final size instead of growing (and moving
// its strings) entry by entry.
template <class Keep>
void read_entries(json::od::value& map, KeyValues& out, Keep keep) {
  thread_local std::vector<std::pair<std::string_view, std::string_view>> found;
  found.clear();
  json::for_each_entry(map, [&](std::string_view key, json::od::value& value) {
    if (keep(key)) found.emplace_back(key, json::as_text(value));
  });
  out.reserve(out.size() + found.size());
  for (const auto& [key, value] : found) out.emplace_back(key, value);
}

}  // namespace

bool is_annotation_of_interest(std::string_view key) {
  for (std::string_view prefix : {"tekton.dev/", "lighthouse.jenkins-x.io/", "jenkins.io/", "pipetrace.dev/"}) {
    if (key.starts_with(prefix)) return true;
  }
  for (std::string_view part : {"traceparent", "tracestate", "SpanContext"}) {
    if (key.find(part) != std::string_view::npos) return true;
  }
  return false;
}

std::string_view api_group(std::string_view api_version) {
  std::size_t slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string_view{} : api_version.substr(0, slash);
}

bool is_any_label(std::string_view) { return true; }

bool is_tekton_label(std::string_view key) { return key.starts_with("tekton.dev/") || key == "event-GUID"; }

void read_object_meta(json::od::value& metadata, ObjectMeta& meta, LabelFilter keep_label) {
  json::for_each_field(metadata, [&](std::string_view key, json::od::value& field) {
    if (key == "name") {
      json::read_string(field, meta.name);
    } else if (key == "namespace") {
      json::read_string(field, meta.ns);
    } else if (key == "uid") {
      json::read_string(field, meta.uid);
    } else if (key == "resourceVersion") {
      json::read_string(field, meta.resource_version);
    } else if (key == "creationTimestamp") {
      meta.created = json::as_time(field);
    } else if (key == "deletionTimestamp") {
      meta.deleting = json::as_time(field);
    } else if (key == "labels") {
      read_entries(field, meta.labels, keep_label);
    } else if (key == "annotations") {
      // Values of other annotations (kubectl's last-applied-configuration can
      // be the whole object again) are never unescaped or copied.
      read_entries(field, meta.annotations, is_annotation_of_interest);
    } else if (key == "ownerReferences") {
      json::for_each_element(field, [&](json::od::value& owner) { read_owner_ref(owner, meta.owners); });
    }
  });
}

}  // namespace pipetrace
