// Sends span batches to an OpenTelemetry collector over OTLP/HTTP: one POST
// per export to the traces URL, protobuf or JSON, optionally gzip, through
// one reused libcurl handle (so connections and TLS sessions are kept).
// Retries 429, 502, 503, 504 and connection failures (honouring
// Retry-After); any other status is a permanent failure, logged with the
// collector's explanation.
#pragma once

#include <mutex>
#include <string>

#include "sinks/export_retry.h"
#include "sinks/instrumentation_scope.h"
#include "sinks/otlp_exporter_options.h"
#include "sinks/span_exporter.h"

typedef void CURL;  // NOLINT: libcurl's own spelling of its handle type
struct curl_slist;

namespace pipetrace {

class OtlpHttpExporter final : public SpanExporter {
 public:
  // `options` should have passed validate_otlp_options; its protocol must be
  // http/protobuf or http/json and its endpoint the full traces URL.
  explicit OtlpHttpExporter(OtlpExporterOptions options, RetryEnvironment environment = {},
                            InstrumentationScope scope = {});
  ~OtlpHttpExporter() override;
  OtlpHttpExporter(const OtlpHttpExporter&) = delete;
  OtlpHttpExporter& operator=(const OtlpHttpExporter&) = delete;

  ExportResult export_spans(std::span<const SpanBatch> batches) override;
  std::string describe() const override;

 private:
  struct Response;
  AttemptOutcome post_once(const std::string& body, std::size_t span_count);

  const OtlpExporterOptions options_;
  const InstrumentationScope scope_;
  std::mutex mutex_;  // one request at a time on the one handle
  RetryEnvironment environment_;
  CURL* curl_ = nullptr;
  curl_slist* headers_ = nullptr;
};

}  // namespace pipetrace
