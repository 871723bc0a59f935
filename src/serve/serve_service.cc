// See serve_service.h.
#include "serve/serve_service.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "admission/admission_server.h"
#include "model/ids.h"
#include "gitops/gitops_worker.h"
#include "serve/annotation_writer.h"
#include "serve/event_queue.h"
#include "serve/exclusive_port.h"
#include "serve/health_tracking_exporter.h"
#include "serve/span_observer_sink.h"
#include "serve/spool_wiring.h"
#include "serve/tracer_trace_lookup.h"
#include "serve/tracer_worker.h"
#include "serve/watch_feed.h"
#include "serve/webhook_endpoints.h"
#include "sinks/otlp_output.h"
#include "store/store_sink.h"
#include "ui/web_ui.h"

namespace pipetrace::serve {
namespace {

// Hands each batch to every sink in turn.
class FanOut final : public SpanSink {
 public:
  explicit FanOut(std::vector<std::unique_ptr<SpanSink>>& sinks) : sinks_(sinks) {}
  void consume(const SpanBatch& batch) override {
    for (auto& sink : sinks_) sink->consume(batch);
  }
  void flush() override {
    for (auto& sink : sinks_) sink->flush();
  }

 private:
  std::vector<std::unique_ptr<SpanSink>>& sinks_;
};

}  // namespace

ServeService::ServeService(ServeConfig config) : config_(std::move(config)) {}

ServeService::~ServeService() { stop(); }

std::string ServeService::start() {
  if (started_) return "";
  queue_ = std::make_unique<EventQueue>(config_.queue_capacity);
  metrics_.set_queue_depth_source([queue = queue_.get()] { return queue->depth(); });

  if (!config_.spool_dir.empty()) {
    std::string error = add_spooled_outputs(config_, metrics_, clock_, sinks_, exporters_);
    if (!error.empty()) return error;
  }
  for (const OtlpExporterOptions& options : config_.otlp) {
    if (!config_.spool_dir.empty()) break;  // spooled above
    auto exporter = std::make_unique<HealthTrackingExporter>(make_otlp_exporter(options));
    exporters_.push_back(exporter.get());
    spdlog::info("serve: exporting spans to {}", exporter->describe());
    auto batching = std::make_unique<BatchingSpanSink>(std::move(exporter), config_.batching);
    metrics_.add_batching_sink(batching.get());
    sinks_.push_back(std::move(batching));
  }
  if (!config_.data_dir.empty()) {
    auto store = std::make_unique<StoreSink>(config_.data_dir);
    if (!store->ok()) return "cannot open the store in --data-dir " + config_.data_dir + ": " + store->open_error();
    store_ = store.get();
    spdlog::info("serve: storing traces in {}", config_.data_dir);
    sinks_.push_back(std::move(store));
  }
  for (auto& sink : config_.other_sinks) sinks_.push_back(std::move(sink));
  config_.other_sinks.clear();
  if (sinks_.empty()) spdlog::warn("serve: no output is configured; spans are traced but kept nowhere");

  if (config_.annotate && config_.kube) annotations_ = std::make_unique<AnnotationWriter>(*config_.kube);
  fan_out_ = std::make_unique<FanOut>(sinks_);
  observer_ = std::make_unique<SpanObserverSink>(*fan_out_, [this](const PipelineRunSpan& run) {
    metrics_.pipeline_run_finished(run.pipeline, run.result, run.seconds);
    if (annotations_) {
      annotations_->request(run.ns, run.name, format_traceparent(run.span->trace_id, run.span->span_id));
    }
  });
  SpanSink* traced = observer_.get();
  if (config_.gitops.enabled) {  // PR events and CI spans also feed the GitOps PR graph
    gitops_ = std::make_unique<gitops::GitopsWorker>(config_.gitops, config_.tracer.resource, *fan_out_, clock_);
    if (std::string err = gitops_->start(); !err.empty()) return err;
    gitops_tap_ = std::make_unique<gitops::GitopsSpanTap>(*observer_, *gitops_);
    traced = gitops_tap_.get();
  }
  tracer_ = std::make_unique<TracerWorker>(config_.tracer, *traced, clock_, *queue_, config_.tick_interval);
  if (gitops_) tracer_->set_event_observer([gitops = gitops_.get()](const ObservedEvent& e) { gitops->offer(e); });

  server_ = std::make_unique<httplib::Server>();
  bind_port_exclusively(*server_);
  server_->set_read_timeout(static_cast<time_t>(config_.read_timeout.count()), 0);
  server_->set_write_timeout(static_cast<time_t>(config_.write_timeout.count()), 0);
  server_->set_logger([](const httplib::Request& req, const httplib::Response& res) {
    spdlog::debug("serve: {} {} -> {}", req.method, req.path, res.status);
  });
  webhooks_ = std::make_unique<WebhookEndpoints>(config_.secrets, config_.max_body_bytes, *queue_, metrics_, clock_);
  webhooks_->mount(*server_);
  mount_operations();
  if (store_ != nullptr && store_->store() != nullptr) {
    web_ui_ = std::make_unique<WebUi>(*store_->store(), config_.ui, clock_);
    web_ui_->mount(*server_);
  }

  const ListenAddress& listen = config_.listen;
  port_ = listen.port == 0 ? server_->bind_to_any_port(listen.host)
                           : (server_->bind_to_port(listen.host, listen.port) ? listen.port : -1);
  if (port_ <= 0) {
    port_ = 0;
    return "cannot listen on " + listen.host + ":" + std::to_string(listen.port) +
           ": the address is in use or not available here (--listen-addr)";
  }

  if (config_.admission.enabled) {
    if (std::string err = start_admission(); !err.empty()) return err;
  }
  tracer_->start();
  if (config_.kube) {
    watches_ = std::make_unique<WatchFeed>(*config_.kube, config_.kinds, config_.watch, *queue_, metrics_);
    watches_->start();
  }
  if (annotations_) annotations_->start();
  server_thread_ = std::thread([this] { server_->listen_after_bind(); });
  started_ = true;
  return "";
}

std::string ServeService::start_admission() {
  admission::AdmissionOptions options = config_.admission;
  options.cluster = config_.tracer.cluster;  // step span IDs must be the tracer's
  options.task_runs_watched = config_.kube && std::any_of(config_.kinds.begin(), config_.kinds.end(),
                                                          [](const auto& kind) { return kind.name == "taskruns"; });
  admission_lookup_ = std::make_unique<TracerTraceLookup>(*tracer_);
  admission_ = std::make_unique<admission::AdmissionServer>(options, admission_lookup_.get());
  return admission_->start();
}

void ServeService::mount_operations() {
  server_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });
  server_->Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    std::string reason = unready_reason();
    res.status = reason.empty() ? 200 : 503;
    res.set_content(reason.empty() ? "ready\n" : reason + "\n", "text/plain");
  });
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_.render(), "text/plain; version=0.0.4; charset=utf-8");
  });
}

bool ServeService::submit(ObservedEvent event) {
  if (!started_ || stopped_) return false;
  return queue_->push_wait(std::move(event));
}

std::string ServeService::unready_reason() const {
  if (!started_ || stopped_) return "not running";
  if (watches_ && !watches_->synced()) return "watches have not listed every kind yet";
  for (const HealthTrackingExporter* exporter : exporters_) {
    if (exporter->failing()) return "the exporter to " + exporter->describe() + " is failing: " + exporter->last_error();
  }
  return "";
}

void ServeService::stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  spdlog::info("serve: stopping: no new deliveries, finishing what is queued");
  if (admission_) admission_->stop();
  server_->stop();
  if (server_thread_.joinable()) server_thread_.join();
  if (watches_) watches_->stop();
  // The tracer drains the queue and flushes every sink (exporters included).
  tracer_->stop();
  if (gitops_) gitops_->stop();  // after the tracer: its last spans may end a release run
  if (annotations_) annotations_->stop();
  spdlog::info("serve: stopped");
}

}  // namespace pipetrace::serve
