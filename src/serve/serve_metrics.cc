// prometheus-cpp families of `serve`; see serve_metrics.h.
#include "serve/serve_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace pipetrace::serve {

ServeMetrics::ServeMetrics() : registry_(std::make_shared<prometheus::Registry>()) {
  events_ = &prometheus::BuildCounter()
                 .Name("pipetrace_events_received_total")
                 .Help("Events handed to the tracer, by resource kind (webhook deliveries count as 'webhook')")
                 .Register(*registry_);
  deliveries_ = &prometheus::BuildCounter()
                     .Name("pipetrace_webhook_deliveries_total")
                     .Help("Webhook deliveries by endpoint and result")
                     .Register(*registry_);
  watch_restarts_ = &prometheus::BuildCounter()
                         .Name("pipetrace_watch_restarts_total")
                         .Help("Watches resumed, relisted or retried after an error, by kind")
                         .Register(*registry_);
  spans_ = &prometheus::BuildCounter()
                .Name("pipetrace_spans_total")
                .Help("Spans handed to the OTLP exporters, by outcome: exported, failed, dropped, rejected")
                .Register(*registry_);
  queue_depth_ = &prometheus::BuildGauge()
                      .Name("pipetrace_event_queue_depth")
                      .Help("Events waiting for the tracer")
                      .Register(*registry_)
                      .Add({});
  run_duration_ = &prometheus::BuildHistogram()
                       .Name("cicd_pipeline_run_duration_seconds")
                       .Help("Duration of finished pipeline runs, by pipeline and result")
                       .Register(*registry_);
  // Pre-create the outcome series so they read 0 before the first export.
  for (const char* outcome : {"exported", "failed", "dropped", "rejected"}) spans_->Add({{"outcome", outcome}});
}

ServeMetrics::~ServeMetrics() = default;

void ServeMetrics::event_received(const std::string& kind) { events_->Add({{"kind", kind}}).Increment(); }

void ServeMetrics::webhook_delivery(const std::string& endpoint, const std::string& result) {
  deliveries_->Add({{"endpoint", endpoint}, {"result", result}}).Increment();
}

void ServeMetrics::watch_restart(const std::string& kind) { watch_restarts_->Add({{"kind", kind}}).Increment(); }

void ServeMetrics::pipeline_run_finished(const std::string& pipeline, const std::string& result, double seconds) {
  // From seconds to a few hours: CI runs rarely fall outside.
  static const prometheus::Histogram::BucketBoundaries kBuckets{1,   5,   10,   30,   60,   120,  300,
                                                                600, 900, 1800, 3600, 7200, 14400};
  run_duration_->Add({{"pipeline", pipeline}, {"result", result}}, kBuckets).Observe(seconds);
}

void ServeMetrics::set_queue_depth_source(std::function<std::size_t()> source) {
  std::lock_guard lock(mutex_);
  queue_depth_source_ = std::move(source);
}

void ServeMetrics::add_batching_sink(const BatchingSpanSink* sink) {
  std::lock_guard lock(mutex_);
  batching_sinks_.push_back(sink);
}

void ServeMetrics::add_span_counter_source(std::function<BatchingCounters()> source) {
  std::lock_guard lock(mutex_);
  span_counter_sources_.push_back(std::move(source));
}

void ServeMetrics::add_scrape_hook(std::function<void()> hook) {
  std::lock_guard lock(mutex_);
  scrape_hooks_.push_back(std::move(hook));
}

void ServeMetrics::refresh_span_counters() {
  BatchingCounters total;
  std::vector<BatchingCounters> sources;
  for (const BatchingSpanSink* sink : batching_sinks_) sources.push_back(sink->counters());
  for (const auto& source : span_counter_sources_) sources.push_back(source());
  for (const BatchingCounters& c : sources) {
    total.exported += c.exported;
    total.failed += c.failed;
    total.dropped += c.dropped;
    total.rejected += c.rejected;
  }
  // The sinks keep totals; Prometheus counters only move forward by deltas.
  auto advance = [&](const char* outcome, std::uint64_t now, std::uint64_t& reported) {
    if (now > reported) spans_->Add({{"outcome", outcome}}).Increment(static_cast<double>(now - reported));
    reported = now;
  };
  advance("exported", total.exported, reported_.exported);
  advance("failed", total.failed, reported_.failed);
  advance("dropped", total.dropped, reported_.dropped);
  advance("rejected", total.rejected, reported_.rejected);
}

std::string ServeMetrics::render() {
  {
    std::lock_guard lock(mutex_);
    refresh_span_counters();
    if (queue_depth_source_) queue_depth_->Set(static_cast<double>(queue_depth_source_()));
    for (const auto& hook : scrape_hooks_) hook();
  }
  prometheus::TextSerializer serializer;
  return serializer.Serialize(registry_->Collect());
}

}  // namespace pipetrace::serve
