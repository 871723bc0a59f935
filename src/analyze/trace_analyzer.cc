// Run discovery, slowest steps and image totals (see trace_analyzer.h).
#include "analyze/trace_analyzer.h"

#include <algorithm>
#include <map>

#include "analyze/critical_path.h"
#include "analyze/span_tree.h"
#include "analyze/time_breakdown.h"
#include "store/span_roles.h"

namespace pipetrace {
namespace {

constexpr const char* kPipelineName = "cicd.pipeline.name";

bool has_pipeline_ancestor(const SpanTree& tree, const Span& span) {
  int depth = 0;
  for (const Span* p = tree.parent(span); p != nullptr && depth < 256; p = tree.parent(*p), ++depth) {
    if (!p->string_attribute(kPipelineName).empty()) return true;
  }
  return false;
}

bool is_in_progress(const Span& s) {
  if (const auto* v = s.find_attribute("pipetrace.span.incomplete")) {
    if (const auto* b = std::get_if<bool>(v); b != nullptr && *b) return true;
  }
  return s.end == 0;
}

// The spans below `top` outside activity mirrors, unless only mirrors are there.
std::vector<const Span*> spans_without_mirrors(const SpanTree& tree, const Span& top) {
  std::vector<const Span*> all = tree.subtree(top);
  std::vector<const Span*> kept{&top};
  for (std::size_t i = 0; i < kept.size(); ++i) {
    for (const Span* c : tree.children(*kept[i])) {
      if (!is_activity_mirror(*c)) kept.push_back(c);
    }
  }
  const bool only_mirrors = kept.size() == 1 && all.size() > 1;
  return only_mirrors ? all : kept;
}

std::vector<SlowStep> slowest_steps(const SpanTree& tree, const Span& top, std::size_t limit) {
  std::vector<SlowStep> steps;
  for (const Span* s : spans_without_mirrors(tree, top)) {
    if (s == &top) continue;
    const std::string step = s->string_attribute("cicd.pipeline.task.step.name");
    const bool leaf = tree.children(*s).empty();
    if (step.empty() && !(leaf && span_role(*s) == SpanRole::Work)) continue;
    const std::string task = tree.inherited_attribute(*s, "cicd.pipeline.task.name");
    const std::string step_name = step.empty() ? s->name : step;
    SlowStep out;
    out.name = task.empty() ? step_name : task + " / " + step_name;
    out.span_name = s->name;
    out.span_id = s->span_id.hex();
    out.duration = std::max<TimeNs>(s->end - s->start, 0);
    out.error = s->status == StatusCode::Error;
    steps.push_back(std::move(out));
  }
  std::stable_sort(steps.begin(), steps.end(), [](const auto& a, const auto& b) { return a.duration > b.duration; });
  if (steps.size() > limit) steps.resize(limit);
  return steps;
}

PipelineRunAnalysis analyze_run(const SpanTree& tree, const Span& top, const AnalysisOptions& options) {
  PipelineRunAnalysis run;
  run.trace_id = top.trace_id.hex();
  run.root_span_id = top.span_id.hex();
  run.root_name = top.name;
  run.pipeline = top.string_attribute(kPipelineName);
  run.run_id = tree.inherited_attribute(top, "cicd.pipeline.run.id");
  run.repository = tree.inherited_attribute(top, "vcs.repository.url.full");
  run.change_id = tree.inherited_attribute(top, "vcs.change.id");
  run.commit = tree.inherited_attribute(top, "vcs.ref.head.revision");
  run.result = top.string_attribute("cicd.pipeline.result");
  if (run.result.empty() && top.status == StatusCode::Error) run.result = "error";
  run.in_progress = is_in_progress(top);
  run.start = top.start;
  run.end = std::max(top.end, top.start);
  run.critical_path = critical_path(tree, top);
  run.slowest_steps = slowest_steps(tree, top, options.top_steps);
  run.pulls = image_pulls(tree, top);
  run.time = time_breakdown(tree, top, run.pulls);
  return run;
}

}  // namespace

std::vector<PipelineRunAnalysis> analyze_trace(const std::vector<Span>& spans, const AnalysisOptions& options) {
  SpanTree tree(spans);
  std::vector<const Span*> tops;
  for (const auto& s : spans) {
    if (!s.string_attribute(kPipelineName).empty() && !has_pipeline_ancestor(tree, s)) tops.push_back(&s);
  }
  if (tops.empty()) tops = tree.roots();
  std::vector<PipelineRunAnalysis> runs;
  for (const Span* top : tops) runs.push_back(analyze_run(tree, *top, options));
  return runs;
}

AnalysisReport build_report(std::vector<PipelineRunAnalysis> runs, const AnalysisOptions& options) {
  AnalysisReport report;
  std::stable_sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
  std::map<std::string, ImageTotal> images;
  for (const auto& run : runs) {
    for (const auto& p : run.pulls) {
      ImageTotal& t = images[p.image];
      t.image = p.image;
      ++t.count;
      t.total += p.duration();
      t.max = std::max(t.max, p.duration());
    }
  }
  for (auto& [name, total] : images) report.images.push_back(std::move(total));
  std::stable_sort(report.images.begin(), report.images.end(), [](const auto& a, const auto& b) {
    return a.count != b.count ? a.count > b.count : a.total > b.total;
  });
  if (report.images.size() > options.top_images) report.images.resize(options.top_images);
  report.runs = std::move(runs);
  return report;
}

}  // namespace pipetrace
