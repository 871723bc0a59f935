// Per-pipeline statistics: runs, p50/p95 duration, failure rate, and the
// slowest tasks and steps of recent runs. Runs come from the pipeline_runs
// table, which the store rewrites with each trace's summary.
#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "store/span_roles.h"
#include "store/trace_store.h"
#include "store/trace_summary.h"

namespace pipetrace {
namespace {

// Nearest-rank percentile of a sorted series.
TimeNs percentile(const std::vector<TimeNs>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

PipelineStats stats_of(const std::string& name, const std::vector<PipelineRun>& runs) {
  PipelineStats stats;
  stats.name = name;
  std::vector<TimeNs> durations;
  for (const auto& run : runs) {
    ++stats.runs;
    stats.last_start = std::max(stats.last_start, run.start);
    if (run.in_progress) continue;
    ++stats.finished;
    if (result_is_failure(run.result)) ++stats.failures;
    durations.push_back(run.duration());
  }
  std::sort(durations.begin(), durations.end());
  stats.p50 = percentile(durations, 50);
  stats.p95 = percentile(durations, 95);
  stats.failure_rate =
      stats.finished > 0 ? static_cast<double>(stats.failures) / static_cast<double>(stats.finished) : 0;
  return stats;
}

// The columns of a span the task/step breakdown needs.
struct TreeRow {
  std::string span_id, parent_span_id, name, task, step, wait_kind, object_kind;
  TimeNs start = 0;
  std::optional<TimeNs> end;
};

// Durations per name in one run; a name seen twice keeps its longest span
// (a TaskRun span encloses the pod and step spans that carry the same task).
using RunDurations = std::map<std::string, TimeNs>;

void collect_run(const std::vector<TreeRow>& rows, const std::string& root_span_id, RunDurations& tasks,
                 RunDurations& steps) {
  std::unordered_multimap<std::string_view, const TreeRow*> children;
  const TreeRow* root = nullptr;
  for (const auto& r : rows) {
    children.emplace(r.parent_span_id, &r);
    if (r.span_id == root_span_id) root = &r;
  }
  if (root == nullptr) return;
  std::vector<const TreeRow*> stack{root};
  std::size_t visited = 0;
  while (!stack.empty() && visited++ < rows.size()) {
    const TreeRow* r = stack.back();
    stack.pop_back();
    auto [first, last] = children.equal_range(r->span_id);
    const bool leaf = first == last;
    // Activity spans restate the PipelineRun next to them; count the run once.
    const bool has_tekton_side = std::any_of(first, last, [](const auto& kv) {
      return !is_activity_mirror(kv.second->name, kv.second->object_kind);
    });
    for (auto it = first; it != last; ++it) {
      if (has_tekton_side && is_activity_mirror(it->second->name, it->second->object_kind)) continue;
      stack.push_back(it->second);
    }
    if (!r->end || r == root) continue;
    const TimeNs duration = *r->end - r->start;
    if (!r->task.empty()) tasks[r->task] = std::max(tasks[r->task], duration);
    // Step spans say so; spans from other producers count when they are leaves doing work.
    const bool step = !r->step.empty() || (leaf && span_role(r->name, r->wait_kind) == SpanRole::Work);
    if (step) {
      const std::string step_name = r->step.empty() ? r->name : r->step;
      const std::string key = r->task.empty() ? step_name : r->task + " / " + step_name;
      steps[key] = std::max(steps[key], duration);
    }
  }
}

std::vector<DurationAggregate> slowest(const std::map<std::string, std::vector<TimeNs>>& series, std::size_t top) {
  std::vector<DurationAggregate> out;
  for (const auto& [name, values] : series) {
    std::vector<TimeNs> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    DurationAggregate a;
    a.name = name;
    a.count = static_cast<std::int64_t>(sorted.size());
    TimeNs total = 0;
    for (TimeNs v : sorted) total += v;
    a.mean = sorted.empty() ? 0 : total / static_cast<TimeNs>(sorted.size());
    a.max = sorted.empty() ? 0 : sorted.back();
    a.p95 = percentile(sorted, 95);
    out.push_back(std::move(a));
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.mean != b.mean ? a.mean > b.mean : a.name < b.name; });
  if (out.size() > top) out.resize(top);
  return out;
}

}  // namespace

StoreResult<std::vector<PipelineRun>> TraceStore::pipeline_runs_locked(const std::string* name,
                                                                       std::optional<TimeNs> since) {
  using Result = StoreResult<std::vector<PipelineRun>>;
  std::string sql =
      "SELECT pipeline, trace_id, span_id, run_id, repository, start_ns, end_ns, result, in_progress "
      "FROM pipeline_runs WHERE 1=1";
  if (name != nullptr) sql += " AND pipeline = ?1";
  if (since) sql += " AND start_ns >= ?2";
  sql += " ORDER BY start_ns DESC, trace_id";
  auto q = db_.prepare(sql);
  if (!q.valid()) return Result::failure("cannot read pipeline runs: " + db_.last_error());
  if (name != nullptr) q.bind(1, *name);
  if (since) q.bind(2, static_cast<std::int64_t>(*since));
  std::vector<PipelineRun> runs;
  while (q.step()) {
    PipelineRun run;
    run.pipeline = q.column_text(0);
    run.trace_id = q.column_text(1);
    run.span_id = q.column_text(2);
    run.run_id = q.column_text(3);
    run.repository = q.column_text(4);
    run.start = q.column_int(5);
    run.end = q.column_int(6);
    run.result = q.column_text(7);
    run.in_progress = q.column_int(8) != 0;
    runs.push_back(std::move(run));
  }
  if (!q.error().empty()) return Result::failure("cannot read pipeline runs: " + q.error());
  return runs;
}

StoreResult<std::vector<PipelineStats>> TraceStore::pipeline_stats(std::optional<TimeNs> since) {
  using Result = StoreResult<std::vector<PipelineStats>>;
  std::lock_guard lock(mutex_);
  auto runs = pipeline_runs_locked(nullptr, since);
  if (!runs) return Result::failure(runs.error());
  std::map<std::string, std::vector<PipelineRun>> by_name;
  for (auto& run : *runs) by_name[run.pipeline].push_back(std::move(run));
  std::vector<PipelineStats> out;
  for (const auto& [name, list] : by_name) out.push_back(stats_of(name, list));
  return out;
}

StoreResult<std::optional<PipelineDetail>> TraceStore::pipeline_detail(const std::string& name, int max_runs) {
  using Result = StoreResult<std::optional<PipelineDetail>>;
  std::lock_guard lock(mutex_);
  auto all_runs = pipeline_runs_locked(&name, std::nullopt);
  if (!all_runs) return Result::failure(all_runs.error());
  if (all_runs->empty()) return std::optional<PipelineDetail>();

  PipelineDetail detail;
  detail.stats = stats_of(name, *all_runs);
  const auto keep = std::min<std::size_t>(all_runs->size(), static_cast<std::size_t>(std::max(max_runs, 1)));
  detail.runs.assign(all_runs->begin(), all_runs->begin() + static_cast<std::ptrdiff_t>(keep));
  std::reverse(detail.runs.begin(), detail.runs.end());

  auto q = db_.prepare(
      "SELECT span_id, parent_span_id, name, coalesce(task, ''), "
      "coalesce(json_extract(attributes, '$.\"cicd.pipeline.task.step.name\"'), ''), "
      "coalesce(json_extract(attributes, '$.\"pipetrace.wait.kind\"'), ''), "
      "coalesce(json_extract(attributes, '$.\"k8s.object.kind\"'), ''), start_ns, end_ns "
      "FROM spans WHERE trace_id = ?1");
  if (!q.valid()) return Result::failure("cannot read spans: " + db_.last_error());
  std::map<std::string, std::vector<TimeNs>> task_series, step_series;
  for (const auto& run : detail.runs) {
    if (run.in_progress) continue;
    std::vector<TreeRow> rows;
    q.bind(1, run.trace_id);
    while (q.step()) {
      rows.push_back({q.column_text(0), q.column_text(1), q.column_text(2), q.column_text(3), q.column_text(4),
                      q.column_text(5), q.column_text(6), q.column_int(7), q.column_optional_int(8)});
    }
    std::string error = q.error();
    q.reset();
    if (!error.empty()) return Result::failure(fmt::format("cannot read spans of {}: {}", run.trace_id, error));
    RunDurations tasks, steps;
    collect_run(rows, run.span_id, tasks, steps);
    for (const auto& [k, v] : tasks) task_series[k].push_back(v);
    for (const auto& [k, v] : steps) step_series[k].push_back(v);
  }
  constexpr std::size_t kTop = 10;
  detail.slowest_tasks = slowest(task_series, kTop);
  detail.slowest_steps = slowest(step_series, kTop);
  return std::optional<PipelineDetail>(std::move(detail));
}

}  // namespace pipetrace
