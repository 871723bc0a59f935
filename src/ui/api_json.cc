// Builds the API's JSON documents (see api_json.h).
#include "ui/api_json.h"

#include "store/span_json.h"
#include "ui/vcs_links.h"

namespace pipetrace {
namespace {

double ms(TimeNs t) { return static_cast<double>(t / 1000) / 1000.0; }

const char* status_name(StatusCode code) {
  switch (code) {
    case StatusCode::Ok: return "ok";
    case StatusCode::Error: return "error";
    case StatusCode::Unset: break;
  }
  return "unset";
}

const char* kind_name(SpanKind kind) {
  switch (kind) {
    case SpanKind::Internal: return "internal";
    case SpanKind::Server: return "server";
    case SpanKind::Client: return "client";
    case SpanKind::Producer: return "producer";
    case SpanKind::Consumer: return "consumer";
    case SpanKind::Unspecified: break;
  }
  return "unspecified";
}

nlohmann::ordered_json nullable(const std::string& text) {
  return text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(text);
}

nlohmann::ordered_json durations_json(const std::vector<DurationAggregate>& list) {
  auto out = nlohmann::ordered_json::array();
  for (const auto& a : list) {
    out.push_back({{"name", a.name},
                   {"count", a.count},
                   {"meanMs", ms(a.mean)},
                   {"maxMs", ms(a.max)},
                   {"p95Ms", ms(a.p95)}});
  }
  return out;
}

}  // namespace

nlohmann::ordered_json trace_summary_json(const TraceSummary& s) {
  return {{"traceId", s.trace_id},
          {"rootSpanId", s.root_span_id},
          {"rootName", s.root_name},
          {"repository", s.repository},
          {"pipeline", s.pipeline},
          {"runId", s.run_id},
          {"changeId", s.change_id},
          {"commit", s.commit},
          {"branch", s.branch},
          {"result", s.result},
          {"running", s.running()},
          {"startMs", ms(s.start)},
          {"endMs", ms(s.end)},
          {"durationMs", ms(s.duration())},
          {"spanCount", s.span_count},
          {"errorCount", s.error_count},
          {"inProgressCount", s.in_progress_count}};
}

nlohmann::ordered_json trace_page_json(const TracePage& page, const TraceFilter& filter) {
  auto traces = nlohmann::ordered_json::array();
  for (const auto& t : page.traces) traces.push_back(trace_summary_json(t));
  return {{"traces", std::move(traces)}, {"total", page.total}, {"limit", filter.limit}, {"offset", filter.offset}};
}

nlohmann::ordered_json stored_span_json(const StoredSpan& stored) {
  const Span& s = stored.span;
  auto events = nlohmann::ordered_json::array();
  for (const auto& e : s.events) {
    events.push_back({{"timeMs", ms(e.time)}, {"name", e.name}, {"attributes", attributes_to_json(e.attributes)}});
  }
  return {{"spanId", s.span_id.hex()},
          {"parentSpanId", s.parent_span_id.empty() ? std::string() : s.parent_span_id.hex()},
          {"name", s.name},
          {"kind", kind_name(s.kind)},
          {"startMs", ms(s.start)},
          {"endMs", ms(std::max(s.end, s.start))},
          {"durationMs", ms(s.end > s.start ? s.end - s.start : 0)},
          {"status", status_name(s.status)},
          {"statusMessage", s.status_message},
          {"inProgress", stored.in_progress},
          {"attributes", attributes_to_json(s.attributes)},
          {"resource", attributes_to_json(stored.resource.attributes)},
          {"events", std::move(events)},
          {"links", links_to_json(s.links)}};
}

nlohmann::ordered_json trace_detail_json(const TraceDetail& detail, const UiOptions& options) {
  auto spans = nlohmann::ordered_json::array();
  for (const auto& s : detail.spans) spans.push_back(stored_span_json(s));
  const TraceSummary& t = detail.summary;
  return {{"trace", trace_summary_json(t)},
          {"spans", std::move(spans)},
          {"links",
           {{"backend", nullable(trace_backend_url(options.trace_url_template, t.trace_id))},
            {"repository", nullable(repository_web_url(t.repository))},
            {"change", nullable(change_url(t.repository, t.change_id))},
            {"commit", nullable(commit_url(t.repository, t.commit))}}}};
}

nlohmann::ordered_json pipeline_stats_json(const PipelineStats& s) {
  return {{"name", s.name},
          {"runs", s.runs},
          {"finished", s.finished},
          {"failures", s.failures},
          {"failureRate", s.failure_rate},
          {"p50Ms", ms(s.p50)},
          {"p95Ms", ms(s.p95)},
          {"lastStartMs", ms(s.last_start)}};
}

nlohmann::ordered_json pipelines_json(const std::vector<PipelineStats>& stats) {
  auto list = nlohmann::ordered_json::array();
  for (const auto& s : stats) list.push_back(pipeline_stats_json(s));
  return {{"pipelines", std::move(list)}};
}

nlohmann::ordered_json pipeline_detail_json(const PipelineDetail& d) {
  auto runs = nlohmann::ordered_json::array();
  for (const auto& r : d.runs) {
    runs.push_back({{"traceId", r.trace_id},
                    {"runId", r.run_id},
                    {"repository", r.repository},
                    {"startMs", ms(r.start)},
                    {"durationMs", ms(r.duration())},
                    {"result", r.result},
                    {"inProgress", r.in_progress}});
  }
  return {{"pipeline", pipeline_stats_json(d.stats)},
          {"runs", std::move(runs)},
          {"slowestTasks", durations_json(d.slowest_tasks)},
          {"slowestSteps", durations_json(d.slowest_steps)}};
}

nlohmann::ordered_json error_json(const std::string& message) { return {{"error", message}}; }

}  // namespace pipetrace
