// Text and JSON renderings of an analysis (see analysis_report.h).
#include "analyze/analysis_report.h"

#include <algorithm>

#include <fmt/format.h>

#include "model/time.h"

namespace pipetrace {
namespace {

double seconds(TimeNs t) { return static_cast<double>(t / 1'000'000) / 1000.0; }

std::string percent_of(TimeNs part, TimeNs total) {
  if (total <= 0) return "0%";
  return fmt::format("{:.0f}%", 100.0 * static_cast<double>(part) / static_cast<double>(total));
}

// Cuts a label to `width` bytes with an ellipsis, never inside a UTF-8 sequence.
std::string fit(const std::string& text, std::size_t width) {
  if (text.size() <= width) return text;
  std::size_t cut = width - 1;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "…";
}

std::string image_name(const std::string& image) { return image.empty() ? "(image not named)" : image; }

void render_run(const PipelineRunAnalysis& run, std::string& out) {
  const std::string outcome = run.in_progress ? "still running" : run.result.empty() ? "no result" : run.result;
  out += fmt::format("Pipeline run {}{} — {}, {}\n", run.pipeline.empty() ? run.root_name : run.pipeline,
                     run.run_id.empty() ? "" : " (" + run.run_id + ")", outcome, format_span_duration(run.duration()));
  std::string where = fmt::format("  trace {}, started {}", run.trace_id, format_time(run.start));
  if (!run.repository.empty()) where += ", " + run.repository;
  if (!run.change_id.empty()) where += ", PR " + run.change_id;
  if (!run.commit.empty()) where += ", commit " + run.commit.substr(0, 12);
  out += where + "\n";

  out += fmt::format("  Critical path ({}):\n", format_span_duration(run.duration()));
  for (const auto& e : run.critical_path) {
    const std::size_t indent = static_cast<std::size_t>(std::min(e.depth, 20)) * 2;
    std::string label = std::string(indent, ' ') + fit(e.name, 56 - indent);
    std::string self = e.self_time > 0 && e.self_time != e.end - e.start
                           ? "  self " + format_span_duration(e.self_time)
                           : std::string();
    out += fmt::format("    {:<56} {:>8}{}{}\n", label, format_span_duration(e.end - e.start), self,
                       e.error ? "  FAILED" : "");
  }
  if (!run.slowest_steps.empty()) {
    out += "  Slowest steps:\n";
    for (const auto& s : run.slowest_steps) {
      out += fmt::format("    {:>8}  {}{}\n", format_span_duration(s.duration), s.name, s.error ? "  FAILED" : "");
    }
  }
  const TimeBreakdown& t = run.time;
  out += fmt::format("  Time: waiting {} ({}) · pulling images {} ({}) · running {} ({})\n",
                     format_span_duration(t.waiting), percent_of(t.waiting, t.total), format_span_duration(t.pulling),
                     percent_of(t.pulling, t.total), format_span_duration(t.running), percent_of(t.running, t.total));
  for (const auto& p : run.pulls) {
    out += fmt::format("    pulled {} in {}\n", image_name(p.image), format_span_duration(p.duration()));
  }
  out += "\n";
}

}  // namespace

std::string format_span_duration(TimeNs duration) {
  if (duration < 0) duration = 0;
  const TimeNs ms = duration / 1'000'000;
  if (ms < 1000) return fmt::format("{}ms", ms);
  const TimeNs s = (ms + 500) / 1000;
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

std::string render_text(const AnalysisReport& report) {
  std::string out;
  if (report.runs.empty()) return "No pipeline runs found.\n";
  for (const auto& run : report.runs) render_run(run, out);
  std::int64_t pulls = 0;
  for (const auto& i : report.images) pulls += i.count;
  if (report.images.empty()) {
    out += "No image pulls in these runs.\n";
    return out;
  }
  out += fmt::format("Images pulled most ({} pulls in {} runs):\n", pulls, report.runs.size());
  out += fmt::format("  {:>5}  {:>8}  {:>8}  {}\n", "pulls", "total", "longest", "image");
  for (const auto& i : report.images) {
    out += fmt::format("  {:>5}  {:>8}  {:>8}  {}\n", i.count, format_span_duration(i.total),
                       format_span_duration(i.max), image_name(i.image));
  }
  return out;
}

nlohmann::ordered_json render_json(const AnalysisReport& report) {
  auto runs = nlohmann::ordered_json::array();
  for (const auto& run : report.runs) {
    auto path = nlohmann::ordered_json::array();
    for (const auto& e : run.critical_path) {
      path.push_back({{"spanId", e.span_id},
                      {"name", e.name},
                      {"depth", e.depth},
                      {"startOffsetSeconds", seconds(e.start - run.start)},
                      {"durationSeconds", seconds(e.end - e.start)},
                      {"selfSeconds", seconds(e.self_time)},
                      {"error", e.error}});
    }
    auto steps = nlohmann::ordered_json::array();
    for (const auto& s : run.slowest_steps) {
      steps.push_back({{"name", s.name},
                       {"spanName", s.span_name},
                       {"spanId", s.span_id},
                       {"durationSeconds", seconds(s.duration)},
                       {"error", s.error}});
    }
    auto pulls = nlohmann::ordered_json::array();
    for (const auto& p : run.pulls) {
      pulls.push_back({{"image", p.image}, {"start", format_time(p.start)}, {"durationSeconds", seconds(p.duration())}});
    }
    runs.push_back({{"traceId", run.trace_id},
                    {"rootSpanId", run.root_span_id},
                    {"rootName", run.root_name},
                    {"pipeline", run.pipeline},
                    {"runId", run.run_id},
                    {"repository", run.repository},
                    {"changeId", run.change_id},
                    {"commit", run.commit},
                    {"result", run.result},
                    {"inProgress", run.in_progress},
                    {"start", format_time(run.start)},
                    {"durationSeconds", seconds(run.duration())},
                    {"criticalPath", std::move(path)},
                    {"slowestSteps", std::move(steps)},
                    {"time",
                     {{"totalSeconds", seconds(run.time.total)},
                      {"waitingSeconds", seconds(run.time.waiting)},
                      {"pullingSeconds", seconds(run.time.pulling)},
                      {"runningSeconds", seconds(run.time.running)}}},
                    {"imagePulls", std::move(pulls)}});
  }
  auto images = nlohmann::ordered_json::array();
  for (const auto& i : report.images) {
    images.push_back({{"image", i.image},
                      {"count", i.count},
                      {"totalSeconds", seconds(i.total)},
                      {"maxSeconds", seconds(i.max)}});
  }
  return {{"runs", std::move(runs)}, {"images", std::move(images)}};
}

}  // namespace pipetrace
