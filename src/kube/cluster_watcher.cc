// Threads and handler serialization for all watched kinds (see cluster_watcher.h).
#include "kube/cluster_watcher.h"

#include <random>

namespace pipetrace::kube {

ClusterWatcher::ClusterWatcher(KubeConfig config, std::vector<WatchedKind> kinds, WatchOptions options,
                               WatchLineHandler on_line, WatchStatusHandler on_status)
    : config_(std::move(config)),
      kinds_(std::move(kinds)),
      options_(std::move(options)),
      on_line_(std::move(on_line)),
      on_status_(std::move(on_status)) {}

ClusterWatcher::~ClusterWatcher() { stop(); }

void ClusterWatcher::start() {
  if (!threads_.empty()) return;
  // One token source for all threads, so a rotated token file is read once.
  auto token = std::make_shared<BearerToken>(config_.token, config_.token_file);
  std::uint64_t seed = options_.seed;
  if (seed == 0) seed = std::random_device{}() | 1u;
  auto line_handler = [this](const WatchLine& line) {
    std::lock_guard lock(handler_mutex_);
    if (on_line_) on_line_(line);
  };
  auto status_handler = [this](const WatchStatus& status) {
    std::lock_guard lock(handler_mutex_);
    if (on_status_) on_status_(status);
  };
  std::vector<std::string> scopes = options_.namespaces;
  if (scopes.empty()) scopes.push_back("");
  for (const auto& kind : kinds_) {
    for (const auto& ns : scopes) {
      watchers_.push_back(std::make_unique<KindWatcher>(kind, ns, config_, token, options_,
                                                        seed + watchers_.size(), line_handler, status_handler));
    }
  }
  for (auto& watcher : watchers_) {
    threads_.emplace_back([this, w = watcher.get()] { w->run(stop_); });
  }
}

void ClusterWatcher::stop() {
  stop_.request_stop();
  for (auto& thread : threads_)
    if (thread.joinable()) thread.join();
  threads_.clear();
}

}  // namespace pipetrace::kube
