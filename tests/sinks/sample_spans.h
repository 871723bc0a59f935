// Span batches shaped like what the tracer emits for a Lighthouse job and its
// Tekton runs, with the awkward values (escapes, non-ASCII, 64-bit extremes,
// links without a span) that the OTLP encoders must carry unchanged.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "model/ids.h"
#include "model/span.h"

namespace pipetrace::testing {

inline TimeNs at(std::int64_t seconds, std::int64_t nanos = 0) { return seconds * 1'000'000'000 + nanos; }

inline std::vector<SpanBatch> sample_batches() {
  const TraceId trace = derive_trace_id({"dev", "LighthouseJob", "jx", "8f3c2a10-uid"});
  const SpanId job = derive_span_id({"dev", "LighthouseJob", "jx", "8f3c2a10-uid"});
  const SpanId run = derive_span_id({"dev", "PipelineRun", "jx", "run-uid"});
  const SpanId task = derive_span_id({"dev", "TaskRun", "jx", "task-uid"});

  SpanBatch lighthouse;
  lighthouse.resource.attributes = {{"service.name", std::string("pipetrace")},
                                    {"k8s.cluster.name", std::string("dev")}};
  Span root;
  root.trace_id = trace;
  root.span_id = job;
  root.name = "jx-org/demo-app pr-42 pullrequest";
  root.kind = SpanKind::Server;
  root.start = at(1744837733, 123456789);
  root.end = at(1744837827, 1);
  root.attributes = {{"cicd.pipeline.name", std::string("pullrequest")},
                     {"cicd.pipeline.run.id", std::int64_t{14460881260}},
                     {"vcs.change.id", std::int64_t{42}},
                     {"vcs.repository.url.full", std::string("https://github.com/jx-org/demo-app?tab=checks&x=<1>")},
                     {"pipetrace.retry.ratio", 0.5},
                     {"pipetrace.synthesized", false}};
  root.status = StatusCode::Error;
  root.status_message = "TaskRunTimeout: \"build\" exceeded 1h0m0s\n(see logs)";
  root.links = {SpanLink{derive_trace_id({"previous-attempt"}), SpanId{}, "", {}},
                SpanLink{derive_trace_id({"lighthouse"}), derive_span_id({"lighthouse"}), "vendor=abc",
                         {{"pipetrace.link.source", std::string("lighthouse.jenkins-x.io/traceparent")}}}};
  lighthouse.spans.push_back(root);

  SpanBatch tekton;
  tekton.resource.attributes = {{"service.name", std::string("pipetrace")},
                                {"k8s.namespace.name", std::string("jx")}};
  Span pipeline_run;
  pipeline_run.trace_id = trace;
  pipeline_run.span_id = run;
  pipeline_run.parent_span_id = job;
  pipeline_run.trace_state = "rojo=00f067aa0ba902b7";
  pipeline_run.name = "étape ✓ déploiement 🚀";
  pipeline_run.kind = SpanKind::Internal;
  pipeline_run.start = at(1744837740);
  pipeline_run.end = at(1744837820, 999999999);
  pipeline_run.attributes = {{"int.max", std::numeric_limits<std::int64_t>::max()},
                             {"int.min", std::numeric_limits<std::int64_t>::min()},
                             {"tiny", 1e-7},
                             {"huge", 1.5e300},
                             {"negative", -273.15},
                             {"whole", 100.0},
                             {"cached", true},
                             {"escapes", std::string("quote\" backslash\\ tab\t ctl\x01 del\x7f sep\u2028 end")},
                             {"", std::string("empty key")}};
  pipeline_run.events = {SpanEvent{at(1744837741, 5), "Pulling", {{"image", std::string("gcr.io/x/y:1.2")}}},
                         SpanEvent{at(1744837745), "Pulled", {}}};
  pipeline_run.status = StatusCode::Ok;
  tekton.spans.push_back(pipeline_run);

  Span task_run;
  task_run.trace_id = trace;
  task_run.span_id = task;
  task_run.parent_span_id = run;
  task_run.name = "build";
  task_run.kind = SpanKind::Client;
  task_run.start = at(1744837742);
  task_run.end = at(1744837800);
  tekton.spans.push_back(task_run);

  return {lighthouse, tekton};
}

// A directory of its own under the system temp dir, removed at the end.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("pipetrace-sinks-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::filesystem::path file(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

}  // namespace pipetrace::testing
