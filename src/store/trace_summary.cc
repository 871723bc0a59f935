// The per-trace summary rules (see trace_summary.h).
#include "store/trace_summary.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

namespace pipetrace {

int result_severity(std::string_view result) {
  if (result.empty()) return 0;
  if (result == "failure") return 6;
  if (result == "error") return 5;
  if (result == "timeout") return 4;
  if (result == "cancellation") return 3;
  if (result == "success") return 2;
  return 1;
}

bool result_is_failure(std::string_view result) {
  return result == "failure" || result == "error" || result == "timeout";
}

namespace {

using SpanIndex = std::unordered_map<std::string_view, const SummarySpanRow*>;

// The nearest ancestor present in the trace, or null.
const SummarySpanRow* parent_of(const SummarySpanRow& s, const SpanIndex& by_id) {
  if (s.parent_span_id.empty()) return nullptr;
  auto it = by_id.find(s.parent_span_id);
  return it == by_id.end() ? nullptr : it->second;
}

bool has_pipeline_ancestor(const SummarySpanRow& s, const SpanIndex& by_id) {
  int hops = 0;
  for (const SummarySpanRow* p = parent_of(s, by_id); p != nullptr && hops < 64; p = parent_of(*p, by_id), ++hops) {
    if (!p->pipeline.empty()) return true;
  }
  return false;
}

std::vector<PipelineRun> pipeline_runs_of(const std::string& trace_id, const std::vector<SummarySpanRow>& spans,
                                          const SpanIndex& by_id) {
  std::vector<PipelineRun> runs;
  for (const auto& s : spans) {
    if (s.pipeline.empty() || has_pipeline_ancestor(s, by_id)) continue;
    PipelineRun run;
    run.pipeline = s.pipeline;
    run.trace_id = trace_id;
    run.span_id = s.span_id;
    run.run_id = s.run_id;
    run.repository = s.repository;
    run.start = s.start;
    run.end = std::max(s.start, s.end.value_or(s.start));
    run.result = s.result;
    run.in_progress = s.in_progress;
    runs.push_back(std::move(run));
  }
  if (runs.empty()) return runs;
  // A run whose top span has not reported a result takes the worst one below it.
  for (auto& run : runs) {
    if (!run.result.empty()) continue;
    for (const auto& s : spans) {
      if (result_severity(s.result) <= result_severity(run.result)) continue;
      int hops = 0;
      for (const SummarySpanRow* p = parent_of(s, by_id); p != nullptr && hops < 64; p = parent_of(*p, by_id), ++hops) {
        if (p->span_id == run.span_id) {
          run.result = s.result;
          break;
        }
      }
    }
  }
  return runs;
}

}  // namespace

TraceRollup summarize_trace(const std::string& trace_id, const std::vector<SummarySpanRow>& spans) {
  TraceRollup rollup;
  TraceSummary& summary = rollup.summary;
  summary.trace_id = trace_id;
  if (spans.empty()) return rollup;

  SpanIndex by_id;
  for (const auto& s : spans) by_id[s.span_id] = &s;

  // Depth from the top-most span present; parents that have not arrived yet
  // make their children roots for now. Bounded so a malformed cycle ends.
  auto depth_of = [&](const SummarySpanRow& s) {
    int depth = 0;
    const SummarySpanRow* cur = &s;
    while (depth < 64) {
      auto it = by_id.find(cur->parent_span_id);
      if (cur->parent_span_id.empty() || it == by_id.end()) break;
      cur = it->second;
      ++depth;
    }
    return depth;
  };

  // Shallowest first, then earliest: the order in which fields are picked.
  std::vector<std::pair<int, const SummarySpanRow*>> ordered;
  ordered.reserve(spans.size());
  for (const auto& s : spans) ordered.emplace_back(depth_of(s), &s);
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    if (a.second->parent_span_id.empty() != b.second->parent_span_id.empty()) {
      return a.second->parent_span_id.empty();
    }
    return a.second->start < b.second->start;
  });

  const SummarySpanRow& root = *ordered.front().second;
  summary.root_span_id = root.span_id;
  summary.root_name = root.name;

  auto first_of = [&](std::string SummarySpanRow::*field) {
    for (const auto& [depth, s] : ordered) {
      if (!(s->*field).empty()) return s->*field;
    }
    return std::string();
  };
  summary.repository = first_of(&SummarySpanRow::repository);
  summary.pipeline = first_of(&SummarySpanRow::pipeline);
  summary.run_id = first_of(&SummarySpanRow::run_id);
  summary.change_id = first_of(&SummarySpanRow::change_id);
  summary.commit = first_of(&SummarySpanRow::commit);
  summary.branch = first_of(&SummarySpanRow::branch);

  TimeNs start = std::numeric_limits<TimeNs>::max();
  TimeNs end = std::numeric_limits<TimeNs>::min();
  for (const auto& s : spans) {
    start = std::min(start, s.start);
    end = std::max(end, s.end.value_or(s.start));
    ++summary.span_count;
    if (s.status == static_cast<int>(StatusCode::Error)) ++summary.error_count;
    if (s.in_progress) ++summary.in_progress_count;
    summary.stored_bytes += s.stored_bytes;
    if (result_severity(s.result) > result_severity(summary.result)) summary.result = s.result;
  }
  summary.start = start;
  summary.end = std::max(end, start);
  rollup.runs = pipeline_runs_of(trace_id, spans, by_id);
  return rollup;
}

}  // namespace pipetrace
