// A stop request shared by the threads of a watcher: sleeps end early and
// blocking transfers are woken when it is raised.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>

namespace pipetrace::kube {

class StopSignal {
 public:
  void request_stop();
  bool stop_requested() const noexcept { return stopped_.load(std::memory_order_acquire); }

  // Sleeps for `duration` or until stopped; returns true when stopped.
  bool wait_for(std::chrono::milliseconds duration);

  // Wakers are called once by request_stop() (e.g. curl_multi_wakeup); they
  // must be quick and thread-safe.
  std::size_t add_waker(std::function<void()> waker);
  void remove_waker(std::size_t id);

 private:
  std::atomic<bool> stopped_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::size_t, std::function<void()>> wakers_;
  std::size_t next_id_ = 1;
};

}  // namespace pipetrace::kube
