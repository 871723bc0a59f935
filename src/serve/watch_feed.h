// Feeds the tracer from the cluster: the kube client's watchers deliver raw
// watch-event lines, each becomes an ObservedEvent (extract_object on its
// "object") queued for the tracer. Also tracks what /readyz and /metrics
// need: whether every watch has synced once, and how often watches restart.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "extract/records.h"
#include "kube/cluster_watcher.h"
#include "serve/event_queue.h"
#include "serve/serve_metrics.h"

namespace pipetrace::serve {

// One watch line ({"type":...,"object":...}) as an event for the tracer;
// nullopt for BOOKMARK/ERROR lines, ignored kinds and unreadable objects
// (`problem` says why for the last).
std::optional<ObservedEvent> event_from_watch_line(std::string_view type, std::string_view json, TimeNs observed_at,
                                                   std::string_view kind_hint, std::string& problem);

class WatchFeed {
 public:
  WatchFeed(kube::KubeConfig config, std::vector<kube::WatchedKind> kinds, kube::WatchOptions options,
            EventQueue& queue, ServeMetrics& metrics);
  ~WatchFeed();

  void start();
  void stop();

  // True once every (kind, namespace) listed successfully at least once, or
  // reported its kind absent from the server (a missing CRD must not keep
  // the service unready forever).
  bool synced() const;

 private:
  void on_line(const kube::WatchLine& line);
  void on_status(const kube::WatchStatus& status);

  EventQueue& queue_;
  ServeMetrics& metrics_;
  mutable std::mutex mutex_;
  std::map<std::string, bool> synced_;  // "kind/ns" -> synced once
  std::unique_ptr<kube::ClusterWatcher> watcher_;
};

}  // namespace pipetrace::serve
