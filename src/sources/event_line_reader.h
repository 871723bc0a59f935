// Reads one recorded event: a Kubernetes watch event
// {"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR","object":{...}} or a webhook
// {"type":"WEBHOOK","source":...,"headers":{...},"body":...}, each optionally
// with "observedAt". This is the replay hot path: one pass over the line's
// top-level fields, the "object" value handed straight to extract_object.
#pragma once

#include <cstddef>

#include <simdjson.h>

#include "sources/read_context.h"

namespace pipetrace {

enum class EventLineOutcome {
  Handled,     // delivered, counted or reported
  NotAnEvent,  // no recognised "type": the document was rewound for reading as an object
};

// `doc` is freshly iterated and its root is an object; `line` is where it
// starts, for problem reports.
EventLineOutcome read_event_line(simdjson::ondemand::document& doc, std::size_t line, ReadContext& context);

}  // namespace pipetrace
