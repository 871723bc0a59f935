// Keeps trying to hold a Lease and says when this replica starts and stops
// being the leader; only the leader should write (annotations, spans).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include "kube/kube_config.h"
#include "kube/lease_lock.h"
#include "kube/stop_signal.h"

namespace pipetrace::kube {

struct LeaderElectionOptions {
  LeaseConfig lease;
  std::chrono::milliseconds retry_period{2000};
  // A leader that has not renewed for this long steps down, before the lease
  // expires for the others.
  std::chrono::milliseconds renew_deadline{10000};
  bool release_on_stop = true;
  const Clock* clock = nullptr;  // null: system clock
};

class LeaderElector {
 public:
  LeaderElector(KubeConfig config, LeaderElectionOptions options, std::function<void()> on_started_leading,
                std::function<void()> on_stopped_leading);
  ~LeaderElector();

  void start();
  void stop();
  bool is_leader() const { return leader_.load(); }

 private:
  void run();

  KubeConfig config_;
  LeaderElectionOptions options_;
  std::function<void()> on_started_;
  std::function<void()> on_stopped_;
  std::atomic<bool> leader_{false};
  StopSignal stop_;
  std::thread thread_;
};

}  // namespace pipetrace::kube
