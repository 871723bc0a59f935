// The interface of the live exporters (OTLP/HTTP, OTLP/gRPC) and the result
// every export returns, so that a caller such as the batching sink or a
// durable spool can tell "sent" from "try again later" from "never send this".
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "model/span.h"

namespace pipetrace {

enum class ExportStatus {
  Sent,              // the collector took the spans (perhaps rejecting some: see rejected_spans)
  RetryableFailure,  // the collector was unreachable or busy; the same spans may be sent again later
  PermanentFailure,  // the collector refused them (4xx, bad TLS set-up, ...); sending again cannot help
};

struct ExportResult {
  ExportStatus status = ExportStatus::Sent;
  // Empty when sent; otherwise what failed, naming the endpoint and the
  // HTTP status, gRPC code or connection error.
  std::string message;
  // Spans the collector reported as rejected in a partial success; they are
  // not retried (the OTLP spec forbids it).
  std::int64_t rejected_spans = 0;
  int attempts = 0;  // requests made, retries included

  bool sent() const { return status == ExportStatus::Sent; }
};

const char* to_string(ExportStatus status);

class SpanExporter {
 public:
  virtual ~SpanExporter() = default;
  // Sends the batches as one request, retrying transient failures within
  // the exporter's retry policy before returning. Thread-safe.
  virtual ExportResult export_spans(std::span<const SpanBatch> batches) = 0;
  // "OTLP/HTTP https://collector:4318/v1/traces": for log lines and metrics.
  virtual std::string describe() const = 0;
};

}  // namespace pipetrace
