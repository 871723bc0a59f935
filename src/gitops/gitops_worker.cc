// See gitops_worker.h.
#include "gitops/gitops_worker.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <filesystem>

namespace pipetrace::gitops {

GitopsWorker::GitopsWorker(GitopsSettings settings, Resource resource, SpanSink& sink, const Clock& clock)
    : settings_(std::move(settings)), clock_(clock) {
  PrProviders providers;
  if (!settings_.github_token.empty()) {
    github_http_ = std::make_unique<ProviderHttp>("GitHub", settings_.http, clock_, real_sleep());
    github_ = std::make_unique<GitHubProvider>(ProviderEndpoint{settings_.github_api_url, settings_.github_token},
                                               *github_http_);
    providers.github = github_.get();
  }
  if (!settings_.gitlab_token.empty()) {
    gitlab_http_ = std::make_unique<ProviderHttp>("GitLab", settings_.http, clock_, real_sleep());
    gitlab_ = std::make_unique<GitLabProvider>(ProviderEndpoint{settings_.gitlab_api_url, settings_.gitlab_token},
                                               *gitlab_http_);
    providers.gitlab = gitlab_.get();
  }
  if (settings_.comment) comments_ = std::make_unique<TraceCommentWriter>(settings_.trace_url_template);
  PromotionOptions options;
  options.child_pr_delay = settings_.child_pr_delay;
  options.resource = std::move(resource);
  options.state_file = settings_.state_file;
  tracer_ = std::make_unique<PromotionTracer>(std::move(options), sink, clock_, providers, comments_.get());
}

GitopsWorker::~GitopsWorker() { stop(); }

std::string GitopsWorker::start() {
  if (thread_.joinable()) return "";
  if (!settings_.state_file.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(settings_.state_file).parent_path(), ec);
    if (ec) return "cannot create the directory of " + settings_.state_file + ": " + ec.message();
  }
  if (std::string error = tracer_->load(); !error.empty()) return "cannot load the pull request graph: " + error;
  spdlog::info("gitops: promotion tracing on (child PR delay {}s; GitHub API {}; GitLab API {}; PR comments {})",
               settings_.child_pr_delay / 1000000000, github_ ? settings_.github_api_url : "off (no token)",
               gitlab_ ? settings_.gitlab_api_url : "off (no token)",
               !comments_ ? "off" : (github_ || gitlab_) ? "on" : "off (no token)");
  thread_ = std::thread([this] { run(); });
  return "";
}

void GitopsWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void GitopsWorker::offer(const ObservedEvent& event) {
  const auto* webhook = std::get_if<WebhookRecord>(&event.record);
  if (webhook == nullptr || (webhook->event != "pull_request" && webhook->event != "push")) return;
  push(std::make_pair(*webhook, event.observed_at));
}

void GitopsWorker::offer(const Span& span) { push(SpanEnd{span.trace_id, span.end}); }

void GitopsWorker::push(Item item) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    if (queue_.size() >= settings_.queue_capacity) {
      if (dropped_++ % 1000 == 0) {
        spdlog::warn("gitops: the promotion queue is full ({} items): an event is dropped ({} so far)",
                     settings_.queue_capacity, dropped_);
      }
      return;
    }
    queue_.push_back(std::move(item));
  }
  ready_.notify_one();
}

std::size_t GitopsWorker::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void GitopsWorker::run() {
  using Steady = std::chrono::steady_clock;
  auto next_tick = Steady::now() + settings_.tick_interval;
  for (;;) {
    std::deque<Item> batch;
    bool stopping = false;
    {
      std::unique_lock lock(mutex_);
      ready_.wait_until(lock, next_tick, [this] { return stopping_ || !queue_.empty(); });
      batch.swap(queue_);
      stopping = stopping_;
    }
    for (Item& item : batch) {
      try {
        if (auto* webhook = std::get_if<0>(&item)) {
          tracer_->observe(webhook->first, webhook->second);
        } else {
          const SpanEnd& end = std::get<1>(item);
          Span span;
          span.trace_id = end.trace_id;
          span.end = end.end;
          tracer_->observe_span(span);
        }
      } catch (const std::exception& e) {
        spdlog::error("gitops: an event could not be handled and is skipped: {}", e.what());
      }
    }
    if (stopping) break;
    if (Steady::now() >= next_tick) {
      try {
        tracer_->tick();
      } catch (const std::exception& e) {
        spdlog::error("gitops: the periodic check failed: {}", e.what());
      }
      next_tick = Steady::now() + settings_.tick_interval;
    }
  }
  tracer_->flush();
  const PromotionStats& stats = tracer_->stats();
  spdlog::info("gitops: stopped ({} pull request events, {} spans emitted, {} comments written)",
               stats.pull_request_events, stats.emitted_spans, stats.comments_written);
}

}  // namespace pipetrace::gitops
