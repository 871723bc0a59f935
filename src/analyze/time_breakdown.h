// Where a run's time went: waiting (queue spans, pod scheduling from spans or
// Scheduled/FailedScheduling events), pulling images (pull spans, or
// Pulling/Pulled event pairs when no span covers them) and running.
#pragma once

#include <vector>

#include "analyze/run_analysis.h"
#include "analyze/span_tree.h"

namespace pipetrace {

struct Interval {
  TimeNs start = 0;
  TimeNs end = 0;
};

// Total length of the union of intervals, each clipped to [from, to].
TimeNs covered_length(std::vector<Interval> intervals, TimeNs from, TimeNs to);

// The image pulls of the spans below `top`, one per pull.
std::vector<ImagePull> image_pulls(const SpanTree& tree, const Span& top);

TimeBreakdown time_breakdown(const SpanTree& tree, const Span& top, const std::vector<ImagePull>& pulls);

}  // namespace pipetrace
