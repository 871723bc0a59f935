// Everything `serve` runs with, decided before it starts: where it listens,
// the webhook secrets and limits, the tracer's timings, where spans go (OTLP
// exporters, the embedded store, other sinks) and what it watches.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "admission/admission_options.h"
#include "gitops/gitops_settings.h"
#include "kube/kind_watcher.h"
#include "kube/kube_config.h"
#include "kube/resource_kind.h"
#include "link/tracer.h"
#include "serve/webhook_endpoints.h"
#include "sinks/batching_span_sink.h"
#include "sinks/otlp_exporter_options.h"
#include "sinks/span_sink.h"
#include "spool/spool_options.h"
#include "ui/ui_options.h"

namespace pipetrace::serve {

inline constexpr std::size_t kDefaultMaxBodyBytes = 10 * 1024 * 1024;

struct ListenAddress {
  std::string host = "0.0.0.0";
  int port = 8080;
};

// ":8080" (all interfaces), "127.0.0.1:9000", "[::1]:8080", "localhost:0"
// (0: any free port). Empty when valid, else what is wrong.
std::string parse_listen_address(const std::string& text, ListenAddress& out);

struct ServeConfig {
  ListenAddress listen;
  std::chrono::seconds read_timeout{30};  // a slow sender cannot hold a worker longer
  std::chrono::seconds write_timeout{30};

  WebhookSecrets secrets;
  std::size_t max_body_bytes = kDefaultMaxBodyBytes;
  std::size_t queue_capacity = 10000;  // events waiting for the tracer

  TracerOptions tracer;
  std::chrono::milliseconds tick_interval{1000};

  std::vector<OtlpExporterOptions> otlp;  // one batching exporter each
  BatchingOptions batching;
  std::vector<std::unique_ptr<SpanSink>> other_sinks;  // -o jsonl:..., already opened

  std::string data_dir;  // the embedded store; "" = none
  // The durable spool in front of the OTLP exporters (docs/spool.md):
  // DIR/spool of --data-dir; "" = export from memory (--no-spool).
  std::string spool_dir;
  spool::SpoolOptions spool;  // its directory is set per exporter
  std::chrono::seconds spool_dedupe_window{48 * 3600};  // how long spooled span IDs are remembered
  UiOptions ui;          // the UI and its API, mounted when the store is on

  // Watching: none when `kube` is unset (--no-watch).
  std::optional<kube::KubeConfig> kube;
  std::vector<kube::WatchedKind> kinds;
  kube::WatchOptions watch;
  bool annotate = false;  // write traceparent back onto PipelineRuns (needs `kube`)

  // GitOps promotion traces across PRs, with the PR comment (docs/gitops.md).
  gitops::GitopsSettings gitops;

  // The pod admission webhook (docs/admission.md): its own HTTPS listener,
  // off unless enabled. Its cluster and watched kinds are taken from above.
  admission::AdmissionOptions admission;
};

}  // namespace pipetrace::serve
