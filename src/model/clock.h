// The clock, injected so that tests drive time; nothing in the tracer reads
// the wall clock directly.
#pragma once

#include <chrono>

#include "model/span.h"

namespace pipetrace {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimeNs now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimeNs now() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that only moves when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimeNs start = 0) : now_(start) {}
  TimeNs now() const override { return now_; }
  void set(TimeNs t) { now_ = t; }
  void advance(TimeNs d) { now_ += d; }

 private:
  TimeNs now_;
};

}  // namespace pipetrace
