// The JSON documents of the /api/ endpoints, built from the store's plain
// records. Times are milliseconds since the Unix epoch as numbers (exact to
// the microsecond, which JavaScript numbers hold; nanoseconds would not fit).
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "store/trace_records.h"
#include "ui/ui_options.h"

namespace pipetrace {

nlohmann::ordered_json trace_summary_json(const TraceSummary& summary);
nlohmann::ordered_json trace_page_json(const TracePage& page, const TraceFilter& filter);
nlohmann::ordered_json stored_span_json(const StoredSpan& span);
// The trace with its spans and its links out (backend, pull request, commit).
nlohmann::ordered_json trace_detail_json(const TraceDetail& detail, const UiOptions& options);
nlohmann::ordered_json pipeline_stats_json(const PipelineStats& stats);
nlohmann::ordered_json pipelines_json(const std::vector<PipelineStats>& stats);
nlohmann::ordered_json pipeline_detail_json(const PipelineDetail& detail);
nlohmann::ordered_json error_json(const std::string& message);

}  // namespace pipetrace
