// Where `pipetrace analyze` reads traces from: the embedded store (one trace,
// or those that started in a time range) or an OTLP/JSON lines file (as
// `-o jsonl:PATH` and the Collector's file exporter write).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/span.h"
#include "store/store_result.h"

namespace pipetrace {

struct TraceSelection {
  std::string trace_id;         // empty: all traces in the range
  std::optional<TimeNs> since;  // trace start >= since
  std::optional<TimeNs> until;  // trace start < until
  std::size_t max_traces = 1000;
};

// Spans grouped by trace, traces in order of first appearance / start time.
using TraceSpans = std::vector<std::vector<Span>>;

StoreResult<TraceSpans> load_traces_from_store(const std::string& data_dir, const TraceSelection& selection);

// Lines that do not decode are reported (file:line: reason) through `problems`
// and skipped, as replay does with recordings.
StoreResult<TraceSpans> load_traces_from_jsonl(const std::string& path, const TraceSelection& selection,
                                               std::vector<std::string>& problems);

}  // namespace pipetrace
