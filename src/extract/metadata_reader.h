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
// `keep_label` says which labels the record keeps (all, unless given).
using LabelFilter = bool (*)(std::string_view key);
bool is_any_label(std::string_view key);
void read_object_meta(json::od::value& metadata, ObjectMeta& meta, LabelFilter keep_label = is_any_label);

// The labels read of Pods and TaskRuns: Tekton's own (the task run, the
// task, the pipeline run: by the linker, the span builders and the
// admission webhook) and the event GUID. Their Lighthouse labels, copied
// from the PipelineRun and a third of a pod's metadata, are not read.
bool is_tekton_label(std::string_view key);

// The annotation filter documented on ObjectMeta.
bool is_annotation_of_interest(std::string_view key);

// "tekton.dev/v1" -> "tekton.dev"; "v1" -> "" (the core group).
std::string_view api_group(std::string_view api_version);

}  // namespace pipetrace
