// Writes the span context of each traced PipelineRun back onto it, as the
// Lighthouse telemetry plugin did: a JSON merge patch of the annotation
// `lighthouse.jenkins-x.io/traceparent` (W3C format), so other tools can
// continue the trace. Off the hot path: requests queue (bounded, dropped
// with a log line when full) for a thread of its own with its own connection.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "kube/api_connection.h"
#include "kube/kube_config.h"
#include "kube/stop_signal.h"

namespace pipetrace::serve {

inline constexpr const char* kTraceparentAnnotation = "lighthouse.jenkins-x.io/traceparent";

class AnnotationWriter {
 public:
  explicit AnnotationWriter(kube::KubeConfig config, std::size_t capacity = 1024);
  ~AnnotationWriter();
  AnnotationWriter(const AnnotationWriter&) = delete;
  AnnotationWriter& operator=(const AnnotationWriter&) = delete;

  void start();
  // Writes what is queued (each request still bounded by its timeout), then stops.
  void stop();

  // Never blocks. The same (namespace, name, traceparent) is written once.
  void request(const std::string& ns, const std::string& name, const std::string& traceparent);

  std::size_t written() const;
  std::size_t failed() const;

 private:
  struct Patch {
    std::string ns;
    std::string name;
    std::string traceparent;
  };
  void run();
  void write(kube::ApiConnection& connection, const Patch& patch);

  kube::KubeConfig config_;
  std::size_t capacity_;
  kube::StopSignal stop_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Patch> queue_;
  std::set<std::string> done_;  // ns/name/traceparent already written (bounded: cleared when large)
  bool stopping_ = false;
  std::size_t written_ = 0;
  std::size_t failed_ = 0;
  std::thread thread_;
};

}  // namespace pipetrace::serve
