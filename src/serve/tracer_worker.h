// The one thread that owns the tracer: it takes events from the queue,
// ticks the tracer every second (parents given up on, lingering roots
// closed) and, when stopped, drains the queue and flushes the tracer and
// its sinks, so that a graceful shutdown loses nothing it already holds.
#pragma once

#include <atomic>
#include <chrono>
#include <thread>

#include "link/tracer.h"
#include "model/clock.h"
#include "serve/event_queue.h"

namespace pipetrace::serve {

class TracerWorker {
 public:
  TracerWorker(TracerOptions options, SpanSink& sink, const Clock& clock, EventQueue& queue,
               std::chrono::milliseconds tick_interval = std::chrono::seconds(1));
  ~TracerWorker();
  TracerWorker(const TracerWorker&) = delete;
  TracerWorker& operator=(const TracerWorker&) = delete;

  void start();
  // Closes the queue, handles what is left in it, flushes, joins.
  void stop();

  std::size_t observed() const { return observed_.load(); }

 private:
  void run();

  Tracer tracer_;
  EventQueue& queue_;
  std::chrono::milliseconds tick_interval_;
  std::atomic<std::size_t> observed_{0};
  std::thread thread_;
};

}  // namespace pipetrace::serve
