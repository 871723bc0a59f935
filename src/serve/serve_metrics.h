// The metrics `serve` exposes on /metrics (Prometheus text format): what came
// in (events per kind, webhook deliveries per endpoint and result), what went
// out (spans exported/failed/dropped, read from the batching sinks when
// scraped), the state of the pipe (queue depth, watch restarts) and a CI
// metric users ask for: the duration of PipelineRuns by pipeline and result.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sinks/batching_span_sink.h"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
template <typename T>
class Family;
class Histogram;
}  // namespace prometheus

namespace pipetrace::serve {

class ServeMetrics {
 public:
  ServeMetrics();
  ~ServeMetrics();
  ServeMetrics(const ServeMetrics&) = delete;
  ServeMetrics& operator=(const ServeMetrics&) = delete;

  // kind: "webhook", "PipelineRun", "Pod", ...
  void event_received(const std::string& kind);
  // endpoint: "lighthouse" | "github" | "gitlab"; result: accepted,
  // unauthorized, malformed, too_large, ignored, overloaded.
  void webhook_delivery(const std::string& endpoint, const std::string& result);
  void watch_restart(const std::string& kind);
  void pipeline_run_finished(const std::string& pipeline, const std::string& result, double seconds);

  // Read at every scrape: the queue depth and the batching sinks' counters.
  void set_queue_depth_source(std::function<std::size_t()> source);
  void add_batching_sink(const BatchingSpanSink* sink);
  // Other senders' totals for pipetrace_spans_total (the spool's), read at
  // every scrape like the batching sinks'.
  void add_span_counter_source(std::function<BatchingCounters()> source);
  // Run at every scrape before rendering: other components' series.
  void add_scrape_hook(std::function<void()> hook);
  // Where other components register their families.
  prometheus::Registry& registry() { return *registry_; }

  // The registry in Prometheus text exposition format.
  std::string render();

 private:
  void refresh_span_counters();

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* events_ = nullptr;
  prometheus::Family<prometheus::Counter>* deliveries_ = nullptr;
  prometheus::Family<prometheus::Counter>* watch_restarts_ = nullptr;
  prometheus::Family<prometheus::Counter>* spans_ = nullptr;
  prometheus::Gauge* queue_depth_ = nullptr;
  prometheus::Family<prometheus::Histogram>* run_duration_ = nullptr;

  std::mutex mutex_;  // guards what follows
  std::function<std::size_t()> queue_depth_source_;
  std::vector<const BatchingSpanSink*> batching_sinks_;
  std::vector<std::function<BatchingCounters()>> span_counter_sources_;
  std::vector<std::function<void()>> scrape_hooks_;
  BatchingCounters reported_;  // totals already added to the span counters
};

}  // namespace pipetrace::serve
