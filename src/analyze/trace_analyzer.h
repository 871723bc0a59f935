// Analyses the pipeline runs of traces: finds each run (the top-most span
// naming a pipeline, as the store counts runs), then its critical path,
// slowest steps, time breakdown and image pulls; and totals the image pulls
// over all runs.
#pragma once

#include <vector>

#include "analyze/run_analysis.h"
#include "model/span.h"

namespace pipetrace {

struct AnalysisOptions {
  std::size_t top_steps = 5;    // slowest steps listed per run
  std::size_t top_images = 10;  // images listed in the totals
};

// All spans must belong to one trace. A trace without any span naming a
// pipeline is analysed from its root spans.
std::vector<PipelineRunAnalysis> analyze_trace(const std::vector<Span>& spans, const AnalysisOptions& options);

// Runs by start time, and the images pulled most over all of them.
AnalysisReport build_report(std::vector<PipelineRunAnalysis> runs, const AnalysisOptions& options);

}  // namespace pipetrace
