// The running service behind `pipetrace serve`: one HTTP server (webhooks,
// /healthz, /readyz, /metrics, and the UI when the store is on), the watches,
// the tracer thread and the sinks, started and stopped together. The command
// line builds a ServeConfig and runs this; tests run it in-process.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "model/clock.h"
#include "serve/serve_config.h"
#include "serve/serve_metrics.h"

namespace httplib {
class Server;
}

namespace pipetrace {
class StoreSink;
class WebUi;
}  // namespace pipetrace

namespace pipetrace::admission {
class AdmissionServer;
class TraceLookup;
}  // namespace pipetrace::admission

namespace pipetrace::gitops {
class GitopsWorker;
class GitopsSpanTap;
}  // namespace pipetrace::gitops

namespace pipetrace::serve {

class AnnotationWriter;
class EventQueue;
class HealthTrackingExporter;
class SpanObserverSink;
class TracerWorker;
class WatchFeed;
class WebhookEndpoints;

class ServeService {
 public:
  explicit ServeService(ServeConfig config);
  ~ServeService();
  ServeService(const ServeService&) = delete;
  ServeService& operator=(const ServeService&) = delete;

  // Opens the store, binds the port, starts every thread. Empty on success,
  // else a message for the operator (nothing is left running then).
  std::string start();
  // Stops accepting, ends the watches, lets the tracer handle what is queued
  // and flush, then waits for the exporters to send what they hold.
  void stop();

  // Hands one event to the tracer, waiting for room in the queue: the entry
  // point of event sources other than the built-in webhooks and watches (a
  // replayed recording, tests). False once stopping.
  bool submit(ObservedEvent event);

  int port() const { return port_; }
  // Why the service is not ready; empty when it is.
  std::string unready_reason() const;
  ServeMetrics& metrics() { return metrics_; }

 private:
  void mount_operations();
  std::string start_admission();

  ServeConfig config_;
  SystemClock clock_;
  ServeMetrics metrics_;
  std::unique_ptr<EventQueue> queue_;
  std::vector<std::unique_ptr<SpanSink>> sinks_;  // every sink the tracer's spans reach
  std::vector<const HealthTrackingExporter*> exporters_;
  StoreSink* store_ = nullptr;
  std::unique_ptr<SpanSink> fan_out_;
  std::unique_ptr<SpanObserverSink> observer_;
  std::unique_ptr<AnnotationWriter> annotations_;
  std::unique_ptr<gitops::GitopsWorker> gitops_;
  std::unique_ptr<gitops::GitopsSpanTap> gitops_tap_;  // between the tracer and observer_
  std::unique_ptr<TracerWorker> tracer_;
  std::unique_ptr<WatchFeed> watches_;
  std::unique_ptr<WebhookEndpoints> webhooks_;
  std::unique_ptr<WebUi> web_ui_;
  std::unique_ptr<httplib::Server> server_;
  std::unique_ptr<admission::TraceLookup> admission_lookup_;
  std::unique_ptr<admission::AdmissionServer> admission_;
  std::thread server_thread_;
  int port_ = 0;
  std::atomic<bool> started_{false};
  std::atomic<bool> stopped_{false};
};

}  // namespace pipetrace::serve
