// The bound on how fast a backlog drains once the collector is back: a token
// bucket of spans per second holding at most one second's worth, so that a
// collector that just recovered is not flattened by hours of spans at once.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>

namespace pipetrace::spool {

class DrainRateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // rate: spans per second; 0 = no bound.
  explicit DrainRateLimiter(double rate) : rate_(rate), tokens_(std::max(rate, 1.0)), last_(Clock::now()) {}

  // How many spans may go in one export (a batch never waits for more
  // tokens than the bucket holds).
  std::size_t largest_batch(std::size_t wanted) const {
    if (rate_ <= 0) return wanted;
    return std::max<std::size_t>(1, std::min<std::size_t>(wanted, static_cast<std::size_t>(std::max(rate_, 1.0))));
  }
  // When `spans` may be sent; takes the tokens when that is now.
  Clock::time_point reserve(std::size_t spans, Clock::time_point now) {
    if (rate_ <= 0) return now;
    refill(now);
    const double need = static_cast<double>(spans);
    if (tokens_ >= need) {
      tokens_ -= need;
      return now;
    }
    const double missing_seconds = (need - tokens_) / rate_;
    return now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(missing_seconds));
  }

 private:
  void refill(Clock::time_point now) {
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(std::max(rate_, 1.0), tokens_ + elapsed * rate_);
    last_ = now;
  }

  double rate_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace pipetrace::spool
