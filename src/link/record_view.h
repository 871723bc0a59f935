// Uniform questions asked of any record: its key, its identity for IDs, its
// parent candidates in order of preference, and whether it has finished.
#pragma once

#include <string>
#include <vector>

#include "extract/records.h"
#include "link/record_ref.h"
#include "link/resource_key.h"

namespace pipetrace {

// Where a resource's parent may be found, best first. The linker waits (a
// bounded time) for the first; when it never comes, it takes the next that
// exists, and finally falls back to the event GUID or a traceparent.
struct ParentCandidates {
  std::vector<ResourceKey> keys;
  std::string event_guid;    // label event-GUID: a synthesized webhook root when nothing else is seen
  std::string traceparent;   // an existing W3C traceparent to adopt when there is no parent in the graph
  std::string tracestate;
};

ResourceKey key_of(RecordRef record);
std::string uid_of(RecordRef record);
std::string resource_version_of(RecordRef record);
ParentCandidates parents_of(RecordRef record);
bool is_finished(RecordRef record);
// The earliest and latest times the record itself states (0 when none).
TimeNs earliest_time_of(RecordRef record);
TimeNs latest_time_of(RecordRef record);

}  // namespace pipetrace
