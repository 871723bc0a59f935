// What the admission webhook runs with: where its HTTPS listener binds, its
// certificate files, the tracer identity it must agree with (cluster, which
// kinds are watched) and what it adds to step containers besides TRACEPARENT.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace pipetrace::admission {

// The listener's port when certificate files are given without an address.
inline constexpr int kDefaultAdmissionPort = 8443;

struct AdmissionOptions {
  bool enabled = false;  // set when the listener is configured (cert files, or an address)
  std::string host = "0.0.0.0";
  int port = kDefaultAdmissionPort;  // 0: any free port (tests)
  std::string tls_cert_file;
  std::string tls_key_file;

  // Must equal the tracer's: it is part of every step span ID.
  std::string cluster = "default";
  // Whether this pipetrace watches TaskRuns. Only then does a pod's step span
  // hang under a TaskRun whose trace can be predicted from the pod.
  bool task_runs_watched = true;

  // OTEL_EXPORTER_OTLP_ENDPOINT given to steps that have none; "" adds none.
  std::string otlp_endpoint;
  // Extra key=value pairs appended to the OTEL_RESOURCE_ATTRIBUTES given to steps.
  std::vector<std::pair<std::string, std::string>> resource_attributes;

  // How long one review may wait for the tracer's lock; past it the answer
  // is computed from the pod alone.
  std::chrono::milliseconds lookup_budget{200};
  // Slow or stuck clients are cut after this (the API server's own timeout is
  // at most 30s, 10s by default).
  std::chrono::seconds io_timeout{5};
  std::size_t max_body_bytes = 8 * 1024 * 1024;
};

// "k=v,k2=v2" -> pairs. Empty on success, else what is wrong.
std::string parse_resource_attributes(const std::string& text,
                                      std::vector<std::pair<std::string, std::string>>& out);

// Checks what start-up needs: both certificate files, readable. Empty when fine.
std::string validate_admission_options(const AdmissionOptions& options);

}  // namespace pipetrace::admission
