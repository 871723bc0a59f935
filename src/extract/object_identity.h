// Decides what kind of object a JSON object is: from its own apiVersion and
// kind, else from the caller's hint ("PodList" -> Pod), else from its shape
// (Tekton Chains' objects and Lighthouse's ActivityRecords carry no kind).
#pragma once

#include <string>
#include <string_view>

#include "extract/json_fields.h"

namespace pipetrace {

enum class TracedKind { LighthouseJob, PipelineRun, TaskRun, PipelineActivity, Pod, Event, ActivityRecord };

enum class Recognition {
  Traced,        // `traced` says which extractor reads it
  NotTraced,     // a valid object of another kind (Node, Service, Pipeline, Status, a List...)
  Unrecognised,  // no kind, no hint, and a shape that matches nothing we know
};

struct ObjectIdentity {
  Recognition recognition = Recognition::Unrecognised;
  TracedKind traced = TracedKind::Pod;
  std::string api_version;  // as written; "" when absent
  std::string kind;         // as written, else from the hint or the shape
};

// Reads the object's top-level fields up to its apiVersion and kind (the
// whole top level, and the keys of spec and status, only when kind is
// missing). Leaves the object part-way: callers reset() it before reading.
ObjectIdentity identify_object(json::od::object& object, std::string_view kind_hint);

// "PodList" -> "Pod"; "List" -> "" (a generic List says nothing of its items).
std::string_view item_kind_of(std::string_view list_kind);

}  // namespace pipetrace
