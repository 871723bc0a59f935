// See tracer_worker.h.
#include "serve/tracer_worker.h"

#include <spdlog/spdlog.h>

#include <exception>

namespace pipetrace::serve {

TracerWorker::TracerWorker(TracerOptions options, SpanSink& sink, const Clock& clock, EventQueue& queue,
                           std::chrono::milliseconds tick_interval)
    : tracer_(std::move(options), sink, clock), queue_(queue), tick_interval_(tick_interval) {}

TracerWorker::~TracerWorker() { stop(); }

void TracerWorker::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void TracerWorker::stop() {
  queue_.close();
  if (thread_.joinable()) thread_.join();
}

void TracerWorker::run() {
  using Steady = std::chrono::steady_clock;
  auto next_tick = Steady::now() + tick_interval_;
  for (;;) {
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_tick - Steady::now());
    if (wait.count() < 0) wait = std::chrono::milliseconds(0);
    std::optional<ObservedEvent> event = queue_.pop_for(wait);
    try {
      std::lock_guard tracer_lock(tracer_mutex_);
      if (event) {
        if (event_observer_) event_observer_(*event);
        tracer_.observe(std::move(*event));
        ++observed_;
      } else if (queue_.drained()) {
        break;
      }
      if (Steady::now() >= next_tick) {
        tracer_.tick();
        next_tick = Steady::now() + tick_interval_;
      }
    } catch (const std::exception& e) {
      // One bad event must not end live tracing.
      spdlog::error("serve: the tracer failed on an event and skipped it: {}", e.what());
    }
  }
  spdlog::info("serve: flushing the tracer ({} events observed)", observed_.load());
  std::lock_guard tracer_lock(tracer_mutex_);
  tracer_.flush();
}

std::optional<Tracer::Placement> TracerWorker::resolved_placement(const ResourceKey& key,
                                                                  std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(tracer_mutex_, deadline);
  if (!lock.owns_lock()) return std::nullopt;
  return tracer_.resolved_placement(key);
}

}  // namespace pipetrace::serve
