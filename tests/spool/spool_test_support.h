// Shared by the spool tests: a scratch directory, spans with distinct IDs
// shaped like the tracer's (the sinks tests' sample batches, plus as many
// PipelineRun-like spans as a test needs), and an exporter whose answers a
// test scripts (accept, fail for now, refuse) and which records what it got.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "../sinks/sample_spans.h"
#include "model/ids.h"
#include "sinks/span_exporter.h"

namespace pipetrace::spool_test {

class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "pipetrace-spool-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string path(const std::string& name = "") const { return name.empty() ? path_ : path_ + "/" + name; }

 private:
  std::string path_;
};

inline Resource pipetrace_resource() {
  return Resource{{{"service.name", std::string("pipetrace")}, {"k8s.cluster.name", std::string("dev")}}};
}

// `count` finished PipelineRun spans of one trace, IDs derived like the tracer's.
inline SpanBatch run_spans(int first, int count) {
  SpanBatch batch;
  batch.resource = pipetrace_resource();
  const TraceId trace = derive_trace_id({"dev", "LighthouseJob", "jx", "job-uid"});
  for (int i = first; i < first + count; ++i) {
    Span s;
    s.trace_id = trace;
    s.span_id = derive_span_id({"dev", "PipelineRun", "jx", "run-" + std::to_string(i)});
    s.name = "pipelinerun jx/build-" + std::to_string(i);
    s.start = testing::at(1700000000 + i);
    s.end = testing::at(1700000060 + i);
    s.attributes = {{"cicd.pipeline.name", std::string("build")}, {"cicd.pipeline.result", std::string("success")}};
    s.status = StatusCode::Ok;
    batch.spans.push_back(s);
  }
  return batch;
}

// Records every span it is given; answers as scripted.
class ScriptedExporter final : public SpanExporter {
 public:
  ExportResult export_spans(std::span<const SpanBatch> batches) override {
    std::lock_guard lock(mutex_);
    ++calls_;
    if (answer_ != ExportStatus::Sent) return ExportResult{answer_, "scripted failure", 0, 1};
    for (const auto& b : batches) {
      for (const auto& s : b.spans) {
        received_.push_back(s);
        resources_.push_back(b.resource);
      }
    }
    return ExportResult{};
  }
  std::string describe() const override { return "scripted collector"; }

  void answer(ExportStatus status) {
    std::lock_guard lock(mutex_);
    answer_ = status;
  }
  std::vector<Span> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }
  std::vector<Resource> resources() const {
    std::lock_guard lock(mutex_);
    return resources_;
  }
  int calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  mutable std::mutex mutex_;
  ExportStatus answer_ = ExportStatus::Sent;
  std::vector<Span> received_;
  std::vector<Resource> resources_;
  int calls_ = 0;
};

// An exporter a test keeps a handle on while the sink owns it.
class ForwardingExporter final : public SpanExporter {
 public:
  explicit ForwardingExporter(ScriptedExporter& target) : target_(target) {}
  ExportResult export_spans(std::span<const SpanBatch> batches) override { return target_.export_spans(batches); }
  std::string describe() const override { return target_.describe(); }

 private:
  ScriptedExporter& target_;
};

inline std::vector<std::string> span_ids(const std::vector<Span>& spans) {
  std::vector<std::string> out;
  for (const auto& s : spans) out.push_back(s.span_id.hex());
  return out;
}

inline std::vector<std::string> span_ids(const SpanBatch& batch) { return span_ids(batch.spans); }

}  // namespace pipetrace::spool_test
