// Watches every chosen kind in every chosen namespace, one thread per
// (kind, namespace), and hands the events to one handler, one at a time.
#pragma once

#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "kube/kind_watcher.h"

namespace pipetrace::kube {

class ClusterWatcher {
 public:
  // The handlers are called from the watching threads but never
  // concurrently, so they need no locking of their own.
  ClusterWatcher(KubeConfig config, std::vector<WatchedKind> kinds, WatchOptions options,
                 WatchLineHandler on_line, WatchStatusHandler on_status = {});
  ~ClusterWatcher();
  ClusterWatcher(const ClusterWatcher&) = delete;
  ClusterWatcher& operator=(const ClusterWatcher&) = delete;

  void start();
  // Ends every watch (open transfers are woken at once) and joins the
  // threads; no handler runs after it returns.
  void stop();

 private:
  KubeConfig config_;
  std::vector<WatchedKind> kinds_;
  WatchOptions options_;
  WatchLineHandler on_line_;
  WatchStatusHandler on_status_;
  std::mutex handler_mutex_;
  StopSignal stop_;
  std::vector<std::unique_ptr<KindWatcher>> watchers_;
  std::vector<std::thread> threads_;
};

}  // namespace pipetrace::kube
