// See watch_feed.h.
#include "serve/watch_feed.h"

#include <spdlog/spdlog.h>

#include <simdjson.h>

#include <exception>

#include "extract/object_extractor.h"

namespace pipetrace::serve {
namespace {

std::optional<WatchType> watch_type(std::string_view type) {
  if (type == "ADDED") return WatchType::Added;
  if (type == "MODIFIED") return WatchType::Modified;
  if (type == "DELETED") return WatchType::Deleted;
  return std::nullopt;  // BOOKMARK and ERROR carry no object of ours
}

std::string scope_key(std::string_view kind, std::string_view ns) {
  return std::string(kind) + "/" + std::string(ns);
}

}  // namespace

std::optional<ObservedEvent> event_from_watch_line(std::string_view type, std::string_view json, TimeNs observed_at,
                                                   std::string_view kind_hint, std::string& problem) {
  std::optional<WatchType> watch = watch_type(type);
  if (!watch) return std::nullopt;
  try {
    simdjson::ondemand::parser parser;
    simdjson::padded_string padded(json);
    simdjson::ondemand::document doc = parser.iterate(padded);
    simdjson::ondemand::value object;
    if (doc["object"].get(object) != simdjson::SUCCESS) {
      problem = "the watch event has no object";
      return std::nullopt;
    }
    ExtractResult result = extract_object(object, kind_hint);
    if (result.status == ExtractStatus::Ignored) return std::nullopt;
    if (result.status == ExtractStatus::Error || !result.record) {
      problem = result.message;
      return std::nullopt;
    }
    ObservedEvent event;
    event.type = *watch;
    event.observed_at = observed_at;
    event.record = std::move(*result.record);
    return event;
  } catch (const std::exception& e) {
    problem = std::string("could not read the watch event: ") + e.what();
    return std::nullopt;
  }
}

WatchFeed::WatchFeed(kube::KubeConfig config, std::vector<kube::WatchedKind> kinds, kube::WatchOptions options,
                     EventQueue& queue, ServeMetrics& metrics)
    : queue_(queue), metrics_(metrics) {
  std::vector<std::string> namespaces = options.namespaces;
  if (namespaces.empty()) namespaces.push_back("");
  for (const auto& kind : kinds) {
    for (const auto& ns : kind.namespaced ? namespaces : std::vector<std::string>{""}) {
      synced_[scope_key(kind.name, ns)] = false;
    }
  }
  watcher_ = std::make_unique<kube::ClusterWatcher>(
      std::move(config), std::move(kinds), std::move(options), [this](const kube::WatchLine& line) { on_line(line); },
      [this](const kube::WatchStatus& status) { on_status(status); });
}

WatchFeed::~WatchFeed() { stop(); }

void WatchFeed::start() { watcher_->start(); }

void WatchFeed::stop() {
  if (watcher_) watcher_->stop();
}

bool WatchFeed::synced() const {
  std::lock_guard lock(mutex_);
  for (const auto& [scope, done] : synced_) {
    if (!done) return false;
  }
  return true;
}

void WatchFeed::on_line(const kube::WatchLine& line) {
  std::string problem;
  std::string_view hint = line.resource != nullptr ? std::string_view(line.resource->kind) : std::string_view();
  std::optional<ObservedEvent> event = event_from_watch_line(line.type, line.json, line.observed_at, hint, problem);
  if (!event) {
    if (!problem.empty()) spdlog::warn("serve: skipped a {} watch event: {}", hint, problem);
    return;
  }
  std::string kind = hint.empty() && line.kind != nullptr ? line.kind->name : std::string(hint);
  // Waiting here slows this watch down rather than losing its events.
  if (queue_.push_wait(std::move(*event))) metrics_.event_received(kind);
}

void WatchFeed::on_status(const kube::WatchStatus& status) {
  switch (status.state) {
    case kube::WatchState::Synced:
    case kube::WatchState::KindAbsent: {
      std::lock_guard lock(mutex_);
      synced_[scope_key(status.kind, status.ns)] = true;
      break;
    }
    case kube::WatchState::Retrying:
    case kube::WatchState::Relisting:
    case kube::WatchState::Resuming:
      metrics_.watch_restart(status.kind);
      break;
    case kube::WatchState::KindServedAgain: break;
  }
  if (status.state == kube::WatchState::Retrying || status.state == kube::WatchState::KindAbsent) {
    spdlog::warn("serve: watch of {}{}{}: {}", status.kind, status.ns.empty() ? "" : " in ", status.ns, status.message);
  }
}

}  // namespace pipetrace::serve
