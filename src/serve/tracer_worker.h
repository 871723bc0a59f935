// The one thread that owns the tracer: it takes events from the queue,
// ticks the tracer every second (parents given up on, lingering roots
// closed) and, when stopped, drains the queue and flushes the tracer and
// its sinks, so that a graceful shutdown loses nothing it already holds.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
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

  // Also shows each event to `observer` (on the worker's thread, before the
  // tracer sees it); set before start(). The GitOps PR graph listens here.
  void set_event_observer(std::function<void(const ObservedEvent&)> observer) { event_observer_ = std::move(observer); }

  // Where the tracer placed a resource (Tracer::resolved_placement), asked
  // from another thread (the admission webhook) between two events; nullopt
  // as well when the tracer stays busy past `deadline`.
  std::optional<Tracer::Placement> resolved_placement(const ResourceKey& key,
                                                      std::chrono::steady_clock::time_point deadline);

 private:
  void run();

  Tracer tracer_;
  std::timed_mutex tracer_mutex_;  // held by the worker while it works on the tracer
  EventQueue& queue_;
  std::chrono::milliseconds tick_interval_;
  std::atomic<std::size_t> observed_{0};
  std::function<void(const ObservedEvent&)> event_observer_;
  std::thread thread_;
};

}  // namespace pipetrace::serve
