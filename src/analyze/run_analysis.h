// What `pipetrace analyze` finds in a pipeline run: the critical path, the
// slowest steps, where the time went (waiting, pulling images, running) and
// which images were pulled. Plain data; rendering is in analysis_report.h.
#pragma once

#include <string>
#include <vector>

#include "model/span.h"

namespace pipetrace {

// One span on the critical path: the chain of spans that decided when the
// run ended. Listed parents first, siblings in time order.
struct CriticalPathEntry {
  std::string span_id;
  std::string name;
  int depth = 0;        // 0 for the run's top span
  TimeNs start = 0;     // when the span's stretch on the path starts
  TimeNs end = 0;       // ... and ends (a child may be cut off by a later sibling)
  TimeNs self_time = 0; // time on the path with no child of it on the path
  bool error = false;
};

struct SlowStep {
  std::string name;  // "task / step" when the task is known
  std::string span_name;
  std::string span_id;
  TimeNs duration = 0;
  bool error = false;
};

// Wall-clock time of the run split three ways: while any queue or
// scheduling wait was in progress; else while any image pull was; the rest.
struct TimeBreakdown {
  TimeNs total = 0;
  TimeNs waiting = 0;
  TimeNs pulling = 0;
  TimeNs running = 0;
};

struct ImagePull {
  std::string image;
  TimeNs start = 0;
  TimeNs end = 0;
  TimeNs duration() const { return end - start; }
};

struct PipelineRunAnalysis {
  std::string trace_id;
  std::string root_span_id;
  std::string root_name;
  std::string pipeline;
  std::string run_id;
  std::string repository;
  std::string change_id;
  std::string commit;
  std::string result;  // cicd.pipeline.result; "error" status when absent
  bool in_progress = false;
  TimeNs start = 0;
  TimeNs end = 0;
  std::vector<CriticalPathEntry> critical_path;
  std::vector<SlowStep> slowest_steps;
  TimeBreakdown time;
  std::vector<ImagePull> pulls;
  TimeNs duration() const { return end - start; }
};

struct ImageTotal {
  std::string image;
  std::int64_t count = 0;
  TimeNs total = 0;
  TimeNs max = 0;
};

struct AnalysisReport {
  std::vector<PipelineRunAnalysis> runs;  // by start time
  std::vector<ImageTotal> images;         // most pulled first
};

}  // namespace pipetrace
