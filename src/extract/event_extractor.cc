// Reads a Kubernetes Event, core/v1 or events.k8s.io/v1, into one shape.
// The two APIs name the same facts differently (involvedObject/regarding,
// message/note, count/series.count/deprecatedCount, ...) and the API server
// converts between them, so both sets are read and each API's own fields
// win: the same event seen through either API gives the same record.
#include <algorithm>
#include <cstdint>
#include <initializer_list>

#include "extract/kind_extractors.h"
#include "extract/metadata_reader.h"

namespace pipetrace {
namespace {

// Every timing and count field of either API, as found.
struct EventTimes {
  TimeNs first_timestamp = 0;        // core/v1 firstTimestamp
  TimeNs last_timestamp = 0;         // core/v1 lastTimestamp
  TimeNs deprecated_first = 0;       // events.k8s.io deprecatedFirstTimestamp
  TimeNs deprecated_last = 0;        // events.k8s.io deprecatedLastTimestamp
  TimeNs event_time = 0;             // eventTime (both; microseconds)
  TimeNs series_last = 0;            // series.lastObservedTime (both)
  std::int64_t count = 0;            // core/v1 count
  std::int64_t deprecated_count = 0; // events.k8s.io deprecatedCount
  std::int64_t series_count = 0;     // series.count (both)
};

void read_involved(json::od::value& value, InvolvedObject& out) {
  json::for_each_field(value, [&](std::string_view key, json::od::value& field) {
    if (key == "kind") {
      json::read_string(field, out.kind);
    } else if (key == "name") {
      json::read_string(field, out.name);
    } else if (key == "namespace") {
      json::read_string(field, out.ns);
    } else if (key == "uid") {
      json::read_string(field, out.uid);
    } else if (key == "apiVersion") {
      json::read_string(field, out.api_version);
    } else if (key == "fieldPath") {
      json::read_string(field, out.field_path);
    }
  });
}

void read_series(json::od::value& value, EventTimes& times) {
  json::for_each_field(value, [&](std::string_view key, json::od::value& field) {
    if (key == "count") {
      times.series_count = json::as_int(field).value_or(0);
    } else if (key == "lastObservedTime") {
      times.series_last = json::as_time(field);
    }
  });
}

void read_source_component(json::od::value& value, std::string_view& component) {
  json::for_each_field(value, [&](std::string_view key, json::od::value& field) {
    if (key == "component") component = json::as_text(field);
  });
}

template <class T>
T first_set(std::initializer_list<T> candidates) {
  for (T candidate : candidates) {
    if (candidate > 0) return candidate;
  }
  return 0;
}

}  // namespace

void extract_event(json::od::object& object, EventRecord& out) {
  EventTimes times;
  // Views into the parser's buffers, valid until the next document: only
  // one of each pair is kept, and copied once.
  std::string_view note, reporting_component, reporting_controller, source_component;
  bool saw_involved = false, saw_regarding = false;
  json::for_each_field(object, [&](std::string_view key, json::od::value& field) {
    if (key == "metadata") {
      read_object_meta(field, out.meta);
    } else if (key == "involvedObject") {
      saw_involved = true;
      read_involved(field, out.involved);
    } else if (key == "regarding") {
      // Both only in a malformed object; core/v1's involvedObject wins then.
      saw_regarding = true;
      if (!saw_involved) read_involved(field, out.involved);
    } else if (key == "reason") {
      json::read_string(field, out.reason);
    } else if (key == "message") {
      json::read_string(field, out.message);
    } else if (key == "note") {
      note = json::as_text(field);
    } else if (key == "type") {
      json::read_string(field, out.type);
    } else if (key == "reportingComponent") {
      reporting_component = json::as_text(field);
    } else if (key == "reportingController") {
      reporting_controller = json::as_text(field);
    } else if (key == "source" || key == "deprecatedSource") {
      read_source_component(field, source_component);
    } else if (key == "firstTimestamp") {
      times.first_timestamp = json::as_time(field);
    } else if (key == "lastTimestamp") {
      times.last_timestamp = json::as_time(field);
    } else if (key == "deprecatedFirstTimestamp") {
      times.deprecated_first = json::as_time(field);
    } else if (key == "deprecatedLastTimestamp") {
      times.deprecated_last = json::as_time(field);
    } else if (key == "eventTime") {
      times.event_time = json::as_time(field);
    } else if (key == "series") {
      read_series(field, times);
    } else if (key == "count") {
      times.count = json::as_int(field).value_or(0);
    } else if (key == "deprecatedCount") {
      times.deprecated_count = json::as_int(field).value_or(0);
    }
  });

  bool events_api = api_group(out.meta.api_version) == "events.k8s.io" ||
                    (out.meta.api_version.empty() && saw_regarding && !saw_involved);
  std::int64_t count;
  if (events_api) {
    if (!note.empty()) out.message = note;
    out.reporting_component = !reporting_controller.empty() ? reporting_controller
                              : !reporting_component.empty() ? reporting_component
                                                             : source_component;
    out.first = first_set({times.event_time, times.deprecated_first, times.first_timestamp});
    out.last = first_set({times.series_last, times.deprecated_last, times.last_timestamp, times.event_time});
    count = first_set({times.series_count, times.deprecated_count, times.count});
  } else {
    if (out.message.empty()) out.message = note;
    out.reporting_component = !reporting_component.empty() ? reporting_component
                              : !source_component.empty() ? source_component
                                                          : reporting_controller;
    out.first = first_set({times.first_timestamp, times.deprecated_first, times.event_time});
    out.last = first_set({times.last_timestamp, times.deprecated_last, times.series_last, times.event_time});
    count = first_set({times.count, times.series_count, times.deprecated_count});
  }
  if (out.last == 0) out.last = out.first;
  out.count = count > 0 ? static_cast<int>(std::min<std::int64_t>(count, INT32_MAX)) : 1;
}

}  // namespace pipetrace
