// Writes annotations back onto an object (span context write-back) with a
// JSON merge patch, which touches nothing but the named keys.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kube/api_connection.h"
#include "kube/resource_kind.h"

namespace pipetrace::kube {

// A value sets the annotation; nullopt removes it.
using AnnotationChanges = std::vector<std::pair<std::string, std::optional<std::string>>>;

// {"metadata":{"annotations":{"k":"v","gone":null}}}
std::string annotations_merge_patch(const AnnotationChanges& changes);

struct PatchOutcome {
  bool ok = false;
  long http_status = 0;
  std::string resource_version;  // of the patched object
  std::string error;             // for an operator: what, on which object, why
};

PatchOutcome patch_annotations(ApiConnection& connection, const ApiResource& resource, std::string_view ns,
                               std::string_view name, const AnnotationChanges& changes);

}  // namespace pipetrace::kube
