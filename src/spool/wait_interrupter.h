// A sleep that shutdown can cut short: handed to an exporter's retry loop
// (RetryEnvironment::sleep) so that stopping the spool does not wait out a
// collector's backoff.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace pipetrace::spool {

class WaitInterrupter {
 public:
  // Sleeps for `d`, or less once interrupt() is called.
  void sleep(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, d, [this] { return interrupted_; });
  }
  void interrupt() {
    {
      std::lock_guard lock(mutex_);
      interrupted_ = true;
    }
    wake_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool interrupted_ = false;
};

}  // namespace pipetrace::spool
