// Plain data the trace store answers queries with: trace summaries, stored
// spans, filters and per-pipeline statistics. No SQLite types leak out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/span.h"

namespace pipetrace {

// Attribute keys the store indexes (OpenTelemetry CICD and VCS semantic conventions).
namespace semconv {
inline constexpr const char* kRepository = "vcs.repository.url.full";
inline constexpr const char* kBranch = "vcs.ref.head.name";
inline constexpr const char* kCommit = "vcs.ref.head.revision";
inline constexpr const char* kChange = "vcs.change.id";
inline constexpr const char* kPipelineName = "cicd.pipeline.name";
inline constexpr const char* kPipelineRunId = "cicd.pipeline.run.id";
inline constexpr const char* kPipelineResult = "cicd.pipeline.result";
inline constexpr const char* kTaskName = "cicd.pipeline.task.name";
inline constexpr const char* kTaskRunResult = "cicd.pipeline.task.run.result";
inline constexpr const char* kNamespace = "k8s.namespace.name";
inline constexpr const char* kPodName = "k8s.pod.name";
inline constexpr const char* kContainerImage = "container.image.name";
inline constexpr const char* kStepName = "cicd.pipeline.task.step.name";
// Set (true) by the tracer on a span whose resource had not finished when it
// was emitted (an in-progress snapshot, or the end of a replay).
inline constexpr const char* kInProgress = "pipetrace.span.incomplete";
// Set by the tracer on wait spans: "queue", "scheduling" or "image-pull".
inline constexpr const char* kWaitKind = "pipetrace.wait.kind";
}  // namespace semconv

// One row per trace, kept up to date as spans arrive.
struct TraceSummary {
  std::string trace_id;  // 32 hex digits
  std::string root_span_id;
  std::string root_name;
  std::string repository;
  std::string pipeline;  // of the top-most span that names one
  std::string run_id;
  std::string change_id;  // pull/merge request number
  std::string commit;
  std::string branch;
  // Worst cicd.pipeline.result of any span (failure > error > timeout >
  // cancellation > success); empty while no span has reported one.
  std::string result;
  TimeNs start = 0;
  TimeNs end = 0;  // latest end of a finished span; start when none has finished
  std::int64_t span_count = 0;
  std::int64_t error_count = 0;
  std::int64_t in_progress_count = 0;
  std::int64_t stored_bytes = 0;  // approximate, for retention by size
  bool running() const { return in_progress_count > 0; }
  TimeNs duration() const { return end > start ? end - start : 0; }
};

// A span as stored: the model span plus what the store knows around it.
struct StoredSpan {
  Span span;
  Resource resource;
  bool in_progress = false;
};

struct TraceDetail {
  TraceSummary summary;
  std::vector<StoredSpan> spans;  // ordered by start time
};

// Filters of the trace list; empty strings and empty optionals do not filter.
struct TraceFilter {
  std::string repository;
  std::string pipeline;
  std::string result;  // a cicd.pipeline.result value, or "running"
  std::string change_id;
  std::string commit;  // full revision or a prefix of at least 4 digits
  std::string text;    // free text over IDs, names, repository, branch, PR and commit
  std::optional<TimeNs> since;  // trace start >= since
  std::optional<TimeNs> until;  // trace start < until
  int limit = 50;
  int offset = 0;
};

struct TracePage {
  std::vector<TraceSummary> traces;  // newest first
  std::int64_t total = 0;            // matching traces, ignoring limit/offset
};

// One run of a pipeline: the top-most span of a trace that names it, with
// everything below it.
struct PipelineRun {
  std::string pipeline;
  std::string trace_id;
  std::string span_id;  // the run's top-most span
  std::string run_id;
  std::string repository;
  TimeNs start = 0;
  TimeNs end = 0;
  std::string result;  // the top span's, else the worst below it
  bool in_progress = false;
  TimeNs duration() const { return end > start ? end - start : 0; }
};

struct PipelineStats {
  std::string name;
  std::int64_t runs = 0;      // all runs, running ones included
  std::int64_t finished = 0;  // runs with a result
  std::int64_t failures = 0;  // result failure, error or timeout
  double failure_rate = 0;    // failures / finished; 0 when none finished
  TimeNs p50 = 0;             // of finished runs' durations (nearest rank)
  TimeNs p95 = 0;
  TimeNs last_start = 0;
};

// Durations of a task or step across the runs of one pipeline.
struct DurationAggregate {
  std::string name;
  std::int64_t count = 0;  // runs it appeared in
  TimeNs mean = 0;
  TimeNs max = 0;
  TimeNs p95 = 0;
};

struct PipelineDetail {
  PipelineStats stats;
  std::vector<PipelineRun> runs;  // oldest first: a duration-over-time series
  std::vector<DurationAggregate> slowest_tasks;
  std::vector<DurationAggregate> slowest_steps;
};

// What a retention pass removed.
struct RetentionReport {
  std::int64_t traces_deleted_by_age = 0;
  std::int64_t traces_deleted_by_size = 0;
  std::int64_t bytes_before = 0;
  std::int64_t bytes_after = 0;
};

}  // namespace pipetrace
