// Stop requests and interruptible sleeps (see stop_signal.h).
#include "kube/stop_signal.h"

namespace pipetrace::kube {

void StopSignal::request_stop() {
  std::lock_guard lock(mutex_);
  stopped_.store(true, std::memory_order_release);
  for (auto& [id, waker] : wakers_) waker();
  cv_.notify_all();
}

bool StopSignal::wait_for(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, duration, [this] { return stop_requested(); });
}

std::size_t StopSignal::add_waker(std::function<void()> waker) {
  std::lock_guard lock(mutex_);
  std::size_t id = next_id_++;
  wakers_[id] = std::move(waker);
  return id;
}

void StopSignal::remove_waker(std::size_t id) {
  std::lock_guard lock(mutex_);
  wakers_.erase(id);
}

}  // namespace pipetrace::kube
