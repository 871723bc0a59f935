// The tracer's input queue; see event_queue.h.
#include "serve/event_queue.h"

namespace pipetrace::serve {

bool EventQueue::try_push(ObservedEvent event) {
  {
    std::lock_guard lock(mutex_);
    if (closed_ || events_.size() >= capacity_) return false;
    events_.push_back(std::move(event));
  }
  not_empty_.notify_one();
  return true;
}

bool EventQueue::push_wait(ObservedEvent event) {
  {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return closed_ || events_.size() < capacity_; });
    if (closed_) return false;
    events_.push_back(std::move(event));
  }
  not_empty_.notify_one();
  return true;
}

std::optional<ObservedEvent> EventQueue::pop_for(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!not_empty_.wait_for(lock, timeout, [&] { return closed_ || !events_.empty(); })) return std::nullopt;
  if (events_.empty()) return std::nullopt;
  ObservedEvent event = std::move(events_.front());
  events_.pop_front();
  lock.unlock();
  not_full_.notify_one();
  return event;
}

void EventQueue::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  not_empty_.notify_all();
  not_full_.notify_all();
}

std::size_t EventQueue::depth() const {
  std::lock_guard lock(mutex_);
  return events_.size();
}

bool EventQueue::drained() const {
  std::lock_guard lock(mutex_);
  return closed_ && events_.empty();
}

}  // namespace pipetrace::serve
