// Jittered exponential backoff (see backoff.h).
#include "kube/backoff.h"

#include <algorithm>

namespace pipetrace::kube {

JitteredBackoff::JitteredBackoff(BackoffPolicy policy, std::uint64_t seed) : policy_(policy), random_(seed) {}

std::chrono::milliseconds JitteredBackoff::next() {
  std::int64_t base = std::max<std::int64_t>(policy_.initial.count(), 1);
  std::int64_t cap = std::max<std::int64_t>(policy_.max.count(), base);
  std::int64_t delay = base;
  for (int i = 0; i < failures_ && delay < cap; ++i) delay *= 2;
  delay = std::min(delay, cap);
  if (failures_ < 62) ++failures_;
  std::uniform_int_distribution<std::int64_t> jitter(delay / 2, delay);
  return std::chrono::milliseconds(jitter(random_));
}

}  // namespace pipetrace::kube
