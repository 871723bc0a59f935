// The bounded queue between the producers (webhook handlers, watch threads)
// and the one thread that owns the tracer. Webhook handlers never wait: a
// full queue is answered with 503 so the sender retries. Watch threads do
// wait, which slows the watch down instead of losing its events.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

#include "extract/records.h"

namespace pipetrace::serve {

class EventQueue {
 public:
  explicit EventQueue(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // False when the queue is full or closed.
  bool try_push(ObservedEvent event);
  // Waits for room; false when the queue was closed meanwhile.
  bool push_wait(ObservedEvent event);
  // The next event, or nullopt after `timeout` or once closed and empty.
  std::optional<ObservedEvent> pop_for(std::chrono::milliseconds timeout);
  // Refuses new events and wakes every waiter; queued events can still be popped.
  void close();

  std::size_t depth() const;
  // Closed and empty: nothing more will come.
  bool drained() const;
  std::size_t capacity() const { return capacity_; }

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<ObservedEvent> events_;
  bool closed_ = false;
};

}  // namespace pipetrace::serve
