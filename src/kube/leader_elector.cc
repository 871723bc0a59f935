// The leader election loop (see leader_elector.h).
#include "kube/leader_elector.h"

#include <spdlog/spdlog.h>

namespace pipetrace::kube {

LeaderElector::LeaderElector(KubeConfig config, LeaderElectionOptions options,
                             std::function<void()> on_started_leading, std::function<void()> on_stopped_leading)
    : config_(std::move(config)),
      options_(std::move(options)),
      on_started_(std::move(on_started_leading)),
      on_stopped_(std::move(on_stopped_leading)) {}

LeaderElector::~LeaderElector() { stop(); }

void LeaderElector::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void LeaderElector::stop() {
  stop_.request_stop();
  if (thread_.joinable()) thread_.join();
}

void LeaderElector::run() {
  static const SystemClock system_clock;
  const Clock& clock = options_.clock ? *options_.clock : system_clock;
  const auto& lease = options_.lease;
  std::string name = lease.ns + "/" + lease.name;
  // Its own connection without the stop signal, so that a release can still
  // be sent after stop() was called.
  ApiConnection connection(config_, nullptr, nullptr);
  LeaseLock lock(connection, lease, clock);
  TimeNs last_renewal = 0;
  std::string last_failure;
  auto step_down = [&](const std::string& why) {
    leader_ = false;
    spdlog::warn("{} is no longer the leader (Lease {}): {}", lease.identity, name, why);
    if (on_stopped_) on_stopped_();
  };
  while (!stop_.stop_requested()) {
    LeaseAttempt attempt = lock.try_acquire_or_renew();
    TimeNs now = clock.now();
    switch (attempt.result) {
      case LeaseResult::Acquired:
      case LeaseResult::Renewed:
        last_renewal = now;
        last_failure.clear();
        if (!leader_) {
          leader_ = true;
          spdlog::info("{} is now the leader (Lease {}, transitions {})", lease.identity, name,
                       attempt.record.transitions);
          if (on_started_) on_started_();
        }
        break;
      case LeaseResult::HeldByOther:
        if (leader_) step_down(attempt.message);
        break;
      case LeaseResult::Failed:
        if (attempt.message != last_failure) spdlog::warn("{}; trying again", attempt.message);
        last_failure = attempt.message;
        if (leader_ && now - last_renewal > std::chrono::nanoseconds(options_.renew_deadline).count())
          step_down("could not renew within the renew deadline: " + attempt.message);
        break;
    }
    stop_.wait_for(options_.retry_period);
  }
  if (leader_) {
    if (options_.release_on_stop) lock.release();
    leader_ = false;
    spdlog::info("{} released the leadership (Lease {})", lease.identity, name);
    if (on_stopped_) on_stopped_();
  }
}

}  // namespace pipetrace::kube
