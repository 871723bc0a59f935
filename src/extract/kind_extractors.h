// The per-kind readers behind extract_object: each reads one kind's fields
// into its record. The dispatcher (object_extractor.cc) has already set
// meta.api_version and meta.kind and rewound the object; readers skip those
// two fields and leave malformed JSON to throw simdjson::simdjson_error.
#pragma once

#include "extract/json_fields.h"
#include "extract/records.h"

namespace pipetrace {

void extract_lighthouse_job(json::od::object& object, LighthouseJobRecord& out);
void extract_pipeline_run(json::od::object& object, PipelineRunRecord& out);
void extract_task_run(json::od::object& object, TaskRunRecord& out);
void extract_pipeline_activity(json::od::object& object, PipelineActivityRecord& out);
void extract_pod(json::od::object& object, PodRecord& out);
// Both core/v1 and events.k8s.io/v1 Events, told apart by out.meta.api_version
// or, when that is empty, by the field names.
void extract_event(json::od::object& object, EventRecord& out);
void extract_activity_record(json::od::object& object, LighthouseActivityRecord& out);

}  // namespace pipetrace
