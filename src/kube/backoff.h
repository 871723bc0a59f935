// Jittered exponential backoff between retries, with an injectable seed so
// tests see the same delays every run.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace pipetrace::kube {

struct BackoffPolicy {
  std::chrono::milliseconds initial{500};
  std::chrono::milliseconds max{30000};
};

class JitteredBackoff {
 public:
  JitteredBackoff(BackoffPolicy policy, std::uint64_t seed);

  // The delay before the next attempt: initial * 2^failures, capped at max,
  // then drawn uniformly from its upper half so that many watchers failing
  // together do not retry together.
  std::chrono::milliseconds next();
  void reset() { failures_ = 0; }
  int failures() const { return failures_; }

 private:
  BackoffPolicy policy_;
  std::mt19937_64 random_;
  int failures_ = 0;
};

}  // namespace pipetrace::kube
