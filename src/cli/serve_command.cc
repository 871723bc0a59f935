// Turns the command line and the environment into a ServeConfig, refuses to
// start on any setting that is wrong (the TLS rule included, with the name
// of the setting to change), runs the service until SIGINT/SIGTERM and shuts
// it down gracefully.
#include "cli/serve_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <pthread.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/admission_flags.h"
#include "cli/output_spec.h"
#include "cli/serve_config_file.h"
#include "cli/spool_flags.h"
#include "cli/gitops_flags.h"
#include "serve/serve_config.h"
#include "serve/serve_service.h"
#include "sinks/otlp_output.h"
#include "store/store_options.h"

namespace pipetrace {
namespace {

struct ServeFlags {
  std::string listen_addr = ":8080";
  std::string max_body_bytes = "10MiB";
  int read_timeout_seconds = 30;
  std::size_t queue_size = 10000;

  std::string lighthouse_hmac_key;
  std::string lighthouse_hmac_key_file;
  std::string github_secret_file;
  std::string gitlab_token_file;

  std::string exporter_type;
  std::string exporter_endpoint;
  std::vector<std::string> outputs;
  int batch_delay_ms = 5000;

  std::string data_dir = "./pipetrace-data";
  bool no_store = false;
  std::string trace_url_template;

  std::string kubeconfig;
  std::string context;
  std::vector<std::string> namespaces;
  std::vector<std::string> kinds;
  std::string pod_selector{kube::kDefaultPodSelector};
  bool no_watch = false;
  bool no_annotate = false;
  std::string resync_interval = "5m";

  std::string cluster = "default";
  std::string parent_wait = "120s";
  std::string root_linger = "60s";
  std::string event_grace = "5s";

  AdmissionFlags admission;

  SpoolFlags spool;

  GitopsFlags gitops;
};

// A secret file's content without the trailing newline editors add.
bool read_secret_file(const std::string& path, std::string& out, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read " + path;
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  out = text.str();
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  if (out.empty()) {
    error = path + " is empty";
    return false;
  }
  return true;
}

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

// Exits the subcommand with a message naming the setting at fault.
[[noreturn]] void refuse(const std::string& message) {
  spdlog::error("serve: {}", message);
  throw CLI::RuntimeError(2);
}

std::chrono::seconds age_flag(const std::string& text, const char* flag) {
  auto age = parse_age(text);
  if (!age) refuse(fmt::format("{} {} is not a duration such as 90s, 5m or 1h", flag, text));
  return *age;
}

void add_otlp(serve::ServeConfig& config, const OtlpOptionsResult& result) {
  for (const std::string& warning : result.warnings) spdlog::warn("serve: {}", warning);
  if (!result.ok()) refuse(fmt::format("{}", fmt::join(result.errors, "; ")));
  config.otlp.push_back(result.options);
}

// True when the environment names a collector of its own.
bool environment_names_exporter(const Environment& env) {
  for (const char* name : {"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                           "TRACES_EXPORTER_ENDPOINT", "OTEL_EXPORTER_JAEGER_ENDPOINT"}) {
    auto it = env.find(name);
    if (it != env.end() && !it->second.empty()) return true;
  }
  return false;
}

void configure_outputs(const ServeFlags& flags, serve::ServeConfig& config) {
  const Environment env = process_environment();
  if (!flags.exporter_type.empty() || !flags.exporter_endpoint.empty()) {
    std::string type = flags.exporter_type.empty() ? env_or_empty("TRACES_EXPORTER_TYPE") : flags.exporter_type;
    std::string endpoint =
        flags.exporter_endpoint.empty() ? env_or_empty("TRACES_EXPORTER_ENDPOINT") : flags.exporter_endpoint;
    if (type.empty() || endpoint.empty()) {
      refuse("--traces-exporter-type and --traces-exporter-endpoint go together (or set TRACES_EXPORTER_TYPE / "
             "TRACES_EXPORTER_ENDPOINT for the one not given)");
    }
    // Transport settings (headers, certificates, timeout) still come from the environment.
    OtlpOptionsResult base = otlp_options_from_environment(env);
    OtlpOptionsResult result = apply_lighthouse_plugin_settings(base.options, type, endpoint, "--traces-exporter-type",
                                                                "--traces-exporter-endpoint");
    if (result.ok()) result.errors = validate_otlp_options(result.options);
    add_otlp(config, result);
  } else if (environment_names_exporter(env)) {
    add_otlp(config, otlp_options_from_environment(env));
  }
  for (const std::string& text : flags.outputs) {
    OutputSpec spec;
    if (std::string err = parse_output_spec(text, spec); !err.empty()) refuse("-o " + text + ": " + err);
    if (spec.type == "otlp-http" || spec.type == "otlp-grpc") {
      add_otlp(config, otlp_options_for_output(spec.type, spec.target, env));
    } else if (spec.type == "store") {
      config.data_dir = spec.target;
    } else {
      std::string err;
      auto sink = make_output_sink(spec, err);
      if (!sink) refuse("cannot open output " + text + ": " + err);
      config.other_sinks.push_back(std::move(sink));
    }
  }
  if (!config.otlp.empty()) config.tracer.resource = otlp_resource(config.otlp.front());
}

void configure_watches(const ServeFlags& flags, serve::ServeConfig& config) {
  if (flags.no_watch) return;
  auto loaded = kube::load_kube_config({flags.kubeconfig, flags.context});
  if (!loaded.ok()) refuse(loaded.error + " (or run with --no-watch to take webhooks only)");
  std::string error;
  auto kinds = kube::select_watched_kinds(flags.kinds, flags.pod_selector, error);
  if (!kinds) refuse("--kinds: " + error);
  config.kube = *loaded.config;
  config.kinds = *kinds;
  config.watch.namespaces = flags.namespaces;
  config.watch.watch_timeout = age_flag(flags.resync_interval, "--resync-interval");
  if (config.watch.watch_timeout.count() < 1) refuse("--resync-interval must be at least 1s");
  config.annotate = !flags.no_annotate;
}

int run_serve(const ServeFlags& flags) {
  serve::ServeConfig config;
  if (std::string err = serve::parse_listen_address(flags.listen_addr, config.listen); !err.empty()) {
    refuse("--listen-addr " + err);
  }
  auto max_body = parse_byte_size(flags.max_body_bytes);
  if (!max_body || *max_body <= 0) refuse("--max-body-bytes " + flags.max_body_bytes + " is not a size such as 10MiB");
  config.max_body_bytes = static_cast<std::size_t>(*max_body);
  config.read_timeout = std::chrono::seconds(flags.read_timeout_seconds);
  config.queue_capacity = flags.queue_size;

  std::string error;
  config.secrets.lighthouse_hmac_key = flags.lighthouse_hmac_key;
  if (!flags.lighthouse_hmac_key_file.empty() &&
      !read_secret_file(flags.lighthouse_hmac_key_file, config.secrets.lighthouse_hmac_key, error)) {
    refuse("--lighthouse-hmac-key-file: " + error);
  }
  config.secrets.github_webhook_secret = env_or_empty("GITHUB_WEBHOOK_SECRET");
  if (!flags.github_secret_file.empty() &&
      !read_secret_file(flags.github_secret_file, config.secrets.github_webhook_secret, error)) {
    refuse("--github-webhook-secret-file: " + error);
  }
  config.secrets.gitlab_webhook_token = env_or_empty("GITLAB_WEBHOOK_TOKEN");
  if (!flags.gitlab_token_file.empty() &&
      !read_secret_file(flags.gitlab_token_file, config.secrets.gitlab_webhook_token, error)) {
    refuse("--gitlab-webhook-token-file: " + error);
  }
  if (config.secrets.lighthouse_hmac_key.empty() && config.secrets.github_webhook_secret.empty() &&
      config.secrets.gitlab_webhook_token.empty()) {
    spdlog::warn("serve: no webhook secret is configured: every delivery will be refused with 401 "
                 "(set --lighthouse-hmac-key, --github-webhook-secret-file or --gitlab-webhook-token-file)");
  }

  config.tracer.cluster = flags.cluster;
  config.tracer.parent_wait = age_flag(flags.parent_wait, "--parent-wait").count() * 1000000000LL;
  config.tracer.root_linger = age_flag(flags.root_linger, "--root-linger").count() * 1000000000LL;
  config.tracer.event_grace = age_flag(flags.event_grace, "--event-grace").count() * 1000000000LL;
  config.batching.schedule_delay = std::chrono::milliseconds(flags.batch_delay_ms);

  if (!flags.no_store) config.data_dir = flags.data_dir;
  config.ui.trace_url_template = flags.trace_url_template;
  configure_outputs(flags, config);
  if (flags.no_store && !config.data_dir.empty() && config.data_dir == flags.data_dir) config.data_dir.clear();
  configure_watches(flags, config);
  if (std::string err = apply_admission_flags(flags.admission, config); !err.empty()) refuse(err);
  if (std::string err = apply_spool_flags(flags.spool, flags.data_dir, config); !err.empty()) refuse(err);
  if (std::string err = apply_gitops_flags(flags.gitops, flags.trace_url_template, flags.data_dir, flags.listen_addr, config);
      !err.empty()) {
    refuse(err);
  }

  // Signals are taken by sigwait below; blocking them before any thread
  // starts keeps them off the server's and watchers' threads.
  sigset_t signals, previous;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, &previous);

  serve::ServeService service(std::move(config));
  if (std::string err = service.start(); !err.empty()) {
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    spdlog::error("serve: {}", err);
    return 1;
  }
  spdlog::info("serve: listening on {} (port {}); {}", flags.listen_addr, service.port(),
               flags.no_watch ? "webhooks only (--no-watch)" : "watching the cluster");
  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("serve: {} received; shutting down", received == SIGINT ? "SIGINT" : "SIGTERM");
  service.stop();
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return 0;
}

}  // namespace

void register_serve_command(CLI::App& app) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Run the live service: receive webhooks, watch the cluster, export traces (OTLP) and keep them (store + UI)");
  cmd->footer(
      "Exporter settings also come from the standard OTEL_EXPORTER_OTLP_[TRACES_]* variables (ENDPOINT, PROTOCOL,\n"
      "HEADERS, COMPRESSION, TIMEOUT, CERTIFICATE, CLIENT_KEY, CLIENT_CERTIFICATE, INSECURE), OTEL_SERVICE_NAME,\n"
      "OTEL_RESOURCE_ATTRIBUTES, TRACES_EXPORTER_TYPE/TRACES_EXPORTER_ENDPOINT, and the deprecated\n"
      "OTEL_EXPORTER_JAEGER_ENDPOINT/USER/PASSWORD. Flags win over the --config file, which wins over variables.\n"
      "Plain text is only sent to loopback addresses and in-cluster service names; any other plain-text endpoint\n"
      "refuses start-up.\n"
      "Endpoints: POST /lighthouse/events, /hooks/github, /hooks/gitlab; GET /healthz, /readyz, /metrics; the UI at /.");

  const char* listening = "Listening";
  cmd->add_option("--listen-addr", flags->listen_addr, "HOST:PORT or :PORT to listen on")
      ->capture_default_str()
      ->group(listening);
  cmd->add_option("--max-body-bytes", flags->max_body_bytes, "Largest webhook body accepted (larger: 413)")
      ->capture_default_str()
      ->group(listening);
  cmd->add_option("--read-timeout", flags->read_timeout_seconds, "Seconds a client may take to send its request")
      ->capture_default_str()
      ->check(CLI::Range(1, 600))
      ->group(listening);
  cmd->add_option("--queue-size", flags->queue_size,
                  "Events waiting for the tracer at most (webhooks beyond it get 503)")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000000))
      ->group(listening);

  const char* webhooks = "Webhooks";
  cmd->add_option("--lighthouse-hmac-key", flags->lighthouse_hmac_key,
                  "HMAC key of Lighthouse's external-plugin deliveries (X-Lighthouse-Signature)")
      ->envname("LIGHTHOUSE_HMAC_KEY")
      ->group(webhooks);
  cmd->add_option("--lighthouse-hmac-key-file", flags->lighthouse_hmac_key_file,
                  "File holding the Lighthouse HMAC key (instead of --lighthouse-hmac-key)")
      ->group(webhooks);
  cmd->add_option("--github-webhook-secret-file", flags->github_secret_file,
                  "File holding the GitHub webhook secret (X-Hub-Signature-256; or env GITHUB_WEBHOOK_SECRET)")
      ->group(webhooks);
  cmd->add_option("--gitlab-webhook-token-file", flags->gitlab_token_file,
                  "File holding the GitLab webhook token (X-Gitlab-Token; or env GITLAB_WEBHOOK_TOKEN)")
      ->group(webhooks);

  const char* exporting = "Exporting";
  cmd->add_option("--traces-exporter-type", flags->exporter_type,
                  "otlp:grpc:insecure or otlp:http:insecure (the Lighthouse telemetry plugin's; env "
                  "TRACES_EXPORTER_TYPE)")
      ->group(exporting);
  cmd->add_option("--traces-exporter-endpoint", flags->exporter_endpoint,
                  "HOST:PORT of the collector for --traces-exporter-type (env TRACES_EXPORTER_ENDPOINT)")
      ->group(exporting);
  cmd->add_option("-o,--output", flags->outputs,
                  "Extra output, repeatable: otlp-http:URL, otlp-grpc:HOST:PORT, jsonl:PATH, store:DIR")
      ->group(exporting);
  cmd->add_option("--batch-delay-ms", flags->batch_delay_ms, "Longest wait of a span before its OTLP batch is sent")
      ->capture_default_str()
      ->check(CLI::Range(1, 600000))
      ->group(exporting);

  const char* store = "Store and UI";
  cmd->add_option("--data-dir", flags->data_dir, "Directory of all state: the embedded trace store (served by the UI at /) and the OTLP spool (DIR/spool)")
      ->capture_default_str()
      ->group(store);
  cmd->add_flag("--no-store", flags->no_store, "Keep no traces locally (and serve no UI)")->group(store);
  cmd->add_option("--trace-url-template", flags->trace_url_template,
                  "Link from the UI and from PR comments to another backend (Grafana, Tempo, Jaeger); "
                  "{traceId} is replaced")
      ->group(store);

  const char* kubernetes = "Kubernetes";
  cmd->add_option("--kubeconfig", flags->kubeconfig,
                  "Kubeconfig file (default $KUBECONFIG, then ~/.kube/config, then the in-cluster service account)")
      ->group(kubernetes);
  cmd->add_option("--context", flags->context, "Kubeconfig context (default: its current-context)")->group(kubernetes);
  cmd->add_option("--namespace", flags->namespaces, "Namespace to watch (repeatable; default: all namespaces)")
      ->group(kubernetes);
  cmd->add_option("--kinds", flags->kinds,
                  "Kinds to watch, comma-separated: lighthousejobs, pipelineruns, taskruns, pipelineactivities, "
                  "pods, events (default: all)")
      ->delimiter(',')
      ->group(kubernetes);
  cmd->add_option("--pod-selector", flags->pod_selector, "Label selector of the pods to watch")
      ->capture_default_str()
      ->group(kubernetes);
  cmd->add_flag("--no-watch", flags->no_watch, "Watch nothing: webhooks only")->group(kubernetes);
  cmd->add_flag("--no-annotate", flags->no_annotate,
                "Do not write lighthouse.jenkins-x.io/traceparent back onto PipelineRuns (written by default when "
                "watching)")
      ->group(kubernetes);
  cmd->add_option("--resync-interval", flags->resync_interval,
                  "How long one watch stays open before it is resumed (90s, 5m, ...)")
      ->capture_default_str()
      ->group(kubernetes);

  const char* tracing = "Tracing";
  cmd->add_option("--cluster", flags->cluster, "Cluster name, part of every resource's identity")
      ->capture_default_str()
      ->group(tracing);
  cmd->add_option("--parent-wait", flags->parent_wait, "How long a resource waits for its parent to appear")
      ->capture_default_str()
      ->group(tracing);
  cmd->add_option("--root-linger", flags->root_linger,
                  "How long a trace root stays open after its last child finished, for late children")
      ->capture_default_str()
      ->group(tracing);
  cmd->add_option("--event-grace", flags->event_grace,
                  "How long a finished resource's span is held for Kubernetes Events that lag it (0s: emit at once)")
      ->capture_default_str()
      ->envname("PIPETRACE_EVENT_GRACE")
      ->group(tracing);
  add_serve_config_file(app, *cmd);

  add_spool_flags(*cmd, flags->spool);

  add_gitops_flags(*cmd, flags->gitops);

  add_admission_flags(*cmd, flags->admission);

  cmd->callback([flags] {
    int rc = run_serve(*flags);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace pipetrace
