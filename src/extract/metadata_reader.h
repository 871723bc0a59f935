// Reads the "metadata" block every Kubernetes object shares into ObjectMeta.
#pragma once

#include <string_view>

#include "extract/json_fields.h"
#include "extract/records.h"

namespace pipetrace {

// Fills name, namespace, uid, resourceVersion, creation/deletion times,
// labels, owner references and the annotations of interest. Everything else
// (managedFields above all: the largest part of a live object) is skipped
// unread by the on-demand iterator.
void read_object_meta(json::od::value& metadata, ObjectMeta& meta);

// The annotation filter documented on ObjectMeta.
bool is_annotation_of_interest(std::string_view key);

// "tekton.dev/v1" -> "tekton.dev"; "v1" -> "" (the core group).
std::string_view api_group(std::string_view api_version);

}  // namespace pipetrace
