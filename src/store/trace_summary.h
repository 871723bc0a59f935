// Computes a trace's summary row and its pipeline runs from the indexed columns of its spans. Pure,
// so that the rules (which span is the root, which result wins) are tested
// without a database.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/trace_records.h"

namespace pipetrace {

// The columns of a stored span that the summary needs.
struct SummarySpanRow {
  std::string span_id;
  std::string parent_span_id;
  std::string name;
  TimeNs start = 0;
  std::optional<TimeNs> end;  // none while in progress
  int status = 0;             // StatusCode
  bool in_progress = false;
  std::string repository, pipeline, run_id, change_id, commit, branch, result;
  std::int64_t stored_bytes = 0;
};

struct TraceRollup {
  TraceSummary summary;
  // One per top-most span that names a pipeline (no ancestor names one): a
  // LighthouseJob and the PipelineRun and PipelineActivity under it are one
  // run of the job, not three pipelines.
  std::vector<PipelineRun> runs;
};

TraceRollup summarize_trace(const std::string& trace_id, const std::vector<SummarySpanRow>& spans);

// Orders cicd.pipeline.result values by how much a reader needs to see them:
// failure > error > timeout > cancellation > success > anything else.
int result_severity(std::string_view result);
// failure, error and timeout count against a pipeline's failure rate.
bool result_is_failure(std::string_view result);

}  // namespace pipetrace
