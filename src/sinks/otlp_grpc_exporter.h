// Sends span batches to an OpenTelemetry collector over OTLP/gRPC
// (opentelemetry.proto.collector.trace.v1.TraceService/Export) on one
// channel, TLS or plain text, headers as metadata. Retries UNAVAILABLE and
// RESOURCE_EXHAUSTED (honouring a RetryInfo delay) and DEADLINE_EXCEEDED,
// which is how gRPC reports the timeouts that OTLP/HTTP retries too.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "sinks/export_retry.h"
#include "sinks/instrumentation_scope.h"
#include "sinks/otlp_exporter_options.h"
#include "sinks/span_exporter.h"

namespace pipetrace {

class OtlpGrpcExporter final : public SpanExporter {
 public:
  // `options` should have passed validate_otlp_options with protocol grpc.
  explicit OtlpGrpcExporter(OtlpExporterOptions options, RetryEnvironment environment = {},
                            InstrumentationScope scope = {});
  ~OtlpGrpcExporter() override;

  ExportResult export_spans(std::span<const SpanBatch> batches) override;
  std::string describe() const override;

 private:
  struct Channel;
  const OtlpExporterOptions options_;
  const InstrumentationScope scope_;
  std::string target_;  // host:port
  bool use_tls_ = true;
  std::string setup_error_;  // a TLS file that could not be read, say: every export fails with it
  std::mutex mutex_;         // guards environment_ (the jitter state)
  RetryEnvironment environment_;
  std::unique_ptr<Channel> channel_;
};

// The delay of a google.rpc.RetryInfo carried in the serialized
// google.rpc.Status of a gRPC error (its error_details), if any.
std::optional<std::chrono::milliseconds> grpc_retry_delay(std::string_view status_details);

}  // namespace pipetrace
