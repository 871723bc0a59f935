// See annotation_writer.h.
#include "serve/annotation_writer.h"

#include <spdlog/spdlog.h>

#include <memory>

#include "kube/annotation_patch.h"
#include "kube/api_connection.h"
#include "kube/bearer_token.h"
#include "kube/resource_kind.h"

namespace pipetrace::serve {

AnnotationWriter::AnnotationWriter(kube::KubeConfig config, std::size_t capacity)
    : config_(std::move(config)), capacity_(capacity) {}

AnnotationWriter::~AnnotationWriter() { stop(); }

void AnnotationWriter::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void AnnotationWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AnnotationWriter::request(const std::string& ns, const std::string& name, const std::string& traceparent) {
  if (ns.empty() || name.empty()) return;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    std::string key = ns + "/" + name + "/" + traceparent;
    if (done_.contains(key)) return;
    if (queue_.size() >= capacity_) {
      spdlog::warn("serve: not annotating PipelineRun {}/{}: {} annotation writes are already waiting", ns, name,
                   queue_.size());
      return;
    }
    if (done_.size() > 100000) done_.clear();
    done_.insert(std::move(key));
    queue_.push_back({ns, name, traceparent});
  }
  ready_.notify_one();
}

std::size_t AnnotationWriter::written() const {
  std::lock_guard lock(mutex_);
  return written_;
}

std::size_t AnnotationWriter::failed() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

void AnnotationWriter::run() {
  // One keep-alive connection for every patch this thread writes.
  auto token = std::make_shared<kube::BearerToken>(config_.token, config_.token_file);
  kube::ApiConnection connection(config_, token);
  for (;;) {
    Patch patch;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      patch = std::move(queue_.front());
      queue_.pop_front();
    }
    write(connection, patch);
  }
}

void AnnotationWriter::write(kube::ApiConnection& connection, const Patch& patch) {
  static const std::vector<kube::WatchedKind> kinds = kube::default_watched_kinds();
  kube::PatchOutcome outcome;
  for (const auto& kind : kinds) {
    if (kind.name != "pipelineruns") continue;
    // Try each served version of PipelineRuns until one knows the object.
    for (const auto& resource : kind.candidates) {
      outcome = kube::patch_annotations(connection, resource, patch.ns, patch.name,
                                        {{kTraceparentAnnotation, patch.traceparent}});
      if (outcome.ok || outcome.http_status != 404) break;
    }
  }
  std::lock_guard lock(mutex_);
  if (outcome.ok) {
    ++written_;
    spdlog::debug("serve: annotated PipelineRun {}/{} with traceparent {}", patch.ns, patch.name, patch.traceparent);
  } else {
    ++failed_;
    spdlog::warn("serve: could not write the traceparent annotation: {}", outcome.error);
  }
}

}  // namespace pipetrace::serve
