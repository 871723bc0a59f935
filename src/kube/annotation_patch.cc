// Annotation merge patches (see annotation_patch.h).
#include "kube/annotation_patch.h"

#include <nlohmann/json.hpp>

namespace pipetrace::kube {

std::string annotations_merge_patch(const AnnotationChanges& changes) {
  nlohmann::ordered_json annotations = nlohmann::ordered_json::object();
  for (const auto& [key, value] : changes) {
    if (value) annotations[key] = *value;
    else annotations[key] = nullptr;  // RFC 7386: null removes the key
  }
  nlohmann::ordered_json patch;
  patch["metadata"]["annotations"] = annotations;
  return patch.dump();
}

PatchOutcome patch_annotations(ApiConnection& connection, const ApiResource& resource, std::string_view ns,
                               std::string_view name, const AnnotationChanges& changes) {
  PatchOutcome outcome;
  std::string what = "annotating " + resource.kind + " " + (ns.empty() ? "" : std::string(ns) + "/") +
                     std::string(name);
  ApiResponse response = connection.request("PATCH", resource.object_path(ns, name), annotations_merge_patch(changes),
                                            "application/merge-patch+json");
  outcome.http_status = response.status;
  if (!response.ok()) {
    outcome.error = connection.describe_failure(response, what);
    return outcome;
  }
  auto object = nlohmann::json::parse(response.body, nullptr, false);
  if (object.is_object() && object.contains("metadata") && object["metadata"].is_object())
    outcome.resource_version = object["metadata"].value("resourceVersion", "");
  outcome.ok = true;
  return outcome;
}

}  // namespace pipetrace::kube
