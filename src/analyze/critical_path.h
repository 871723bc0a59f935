// The critical path of a span: walking back from its end, the child that
// finished last before the cursor is on the path, then the child that
// finished last before that one started, and so on, recursively. Time with no
// child on the path is the parent's own ("self") time. Activity spans that
// mirror a PipelineRun next to them are not followed.
#pragma once

#include <vector>

#include "analyze/run_analysis.h"
#include "analyze/span_tree.h"

namespace pipetrace {

std::vector<CriticalPathEntry> critical_path(const SpanTree& tree, const Span& top);

}  // namespace pipetrace
