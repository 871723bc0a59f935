// Turns one Kubernetes object (JSON) into the compact record of its kind.
// Lenient by design: unknown fields are skipped, missing ones left empty,
// and an object without apiVersion/kind is recognised by its shape.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "extract/records.h"

namespace pipetrace {

enum class ExtractStatus {
  Ok,       // record is set
  Ignored,  // a valid object of a kind pipetrace does not trace (Node, Service, ...); message names it
  Error,    // not an object we can read; message says why
};

struct ExtractResult {
  ExtractStatus status = ExtractStatus::Error;
  std::optional<ResourceRecord> record;
  std::string message;
};

// `kind_hint` is used when the object itself has no "kind": items of a typed
// List ("PodList" -> "Pod"), or a file whose name says what it holds.
ExtractResult extract_object(simdjson::ondemand::value object, std::string_view kind_hint = {});

// The same, reading the record into `record` (set to the object's kind; what
// it holds is unspecified unless the status is Ok) and a reason into
// `message`: a caller that hands the record on inside a larger object builds
// it there, instead of moving every string and vector of it once more.
ExtractStatus extract_object_into(simdjson::ondemand::value object, std::string_view kind_hint,
                                  ResourceRecord& record, std::string& message);

// Convenience over extract_object for a JSON text (copies it into a padded buffer).
ExtractResult extract_object_json(std::string_view json, std::string_view kind_hint = {});

}  // namespace pipetrace
