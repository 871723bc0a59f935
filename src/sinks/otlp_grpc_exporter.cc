// OTLP/gRPC export with the generated TraceService stub.
#include "sinks/otlp_grpc_exporter.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>
#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "sinks/endpoint_url.h"
#include "sinks/otlp_proto_encoder.h"

namespace pipetrace {

namespace collector = opentelemetry::proto::collector::trace::v1;

struct OtlpGrpcExporter::Channel {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<collector::TraceService::Stub> stub;
};

namespace {

using google::protobuf::internal::WireFormatLite;

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  return true;
}

// Calls `on_field(field_number, bytes)` for each length-delimited field of a
// serialized message and `on_varint(field_number, value)` for each varint;
// false when the bytes are not a well-formed message.
template <typename OnBytes, typename OnVarint>
bool for_each_field(std::string_view message, OnBytes on_bytes, OnVarint on_varint) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const std::uint8_t*>(message.data()),
                                           static_cast<int>(message.size()));
  while (const std::uint32_t tag = in.ReadTag()) {
    const int field = WireFormatLite::GetTagFieldNumber(tag);
    switch (WireFormatLite::GetTagWireType(tag)) {
      case WireFormatLite::WIRETYPE_LENGTH_DELIMITED: {
        std::string bytes;
        if (!WireFormatLite::ReadBytes(&in, &bytes)) return false;
        on_bytes(field, bytes);
        break;
      }
      case WireFormatLite::WIRETYPE_VARINT: {
        std::uint64_t value = 0;
        if (!in.ReadVarint64(&value)) return false;
        on_varint(field, value);
        break;
      }
      default:
        if (!WireFormatLite::SkipField(&in, tag)) return false;
    }
  }
  return in.ConsumedEntireMessage();
}

std::size_t count_spans(std::span<const SpanBatch> batches) {
  std::size_t n = 0;
  for (const SpanBatch& batch : batches) n += batch.spans.size();
  return n;
}

const char* code_name(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "UNKNOWN_CODE";
  }
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

}  // namespace

std::optional<std::chrono::milliseconds> grpc_retry_delay(std::string_view status_details) {
  // google.rpc.Status { repeated Any details = 3 }, Any { string type_url = 1;
  // bytes value = 2 }, RetryInfo { Duration retry_delay = 1 },
  // Duration { int64 seconds = 1; int32 nanos = 2 }.
  std::optional<std::chrono::milliseconds> delay;
  const auto noop = [](int, std::uint64_t) {};
  for_each_field(
      status_details,
      [&](int field, const std::string& any) {
        if (field != 3) return;
        std::string type_url;
        std::string value;
        for_each_field(
            any,
            [&](int f, const std::string& bytes) {
              if (f == 1) type_url = bytes;
              if (f == 2) value = bytes;
            },
            noop);
        if (!type_url.ends_with("/google.rpc.RetryInfo")) return;
        for_each_field(
            value,
            [&](int f, const std::string& duration) {
              if (f != 1) return;
              std::int64_t seconds = 0;
              std::int64_t nanos = 0;
              for_each_field(
                  duration, [](int, const std::string&) {},
                  [&](int d, std::uint64_t v) {
                    if (d == 1) seconds = static_cast<std::int64_t>(v);
                    if (d == 2) nanos = static_cast<std::int32_t>(v);
                  });
              delay = std::chrono::milliseconds(std::max<std::int64_t>(0, seconds * 1000 + nanos / 1'000'000));
            },
            noop);
      },
      noop);
  return delay;
}

OtlpGrpcExporter::OtlpGrpcExporter(OtlpExporterOptions options, RetryEnvironment environment,
                                   InstrumentationScope scope)
    : options_(std::move(options)), scope_(std::move(scope)), environment_(with_defaults(std::move(environment))) {
  const EndpointUrl url = parse_endpoint_url(options_.endpoint);
  if (!url.ok()) {
    setup_error_ = fmt::format("the OTLP/gRPC endpoint {} is not usable: {}", options_.endpoint, url.error);
    return;
  }
  target_ = url.port.empty() ? url.authority() + ":4317" : url.authority();
  use_tls_ = url.scheme == "https" || (url.scheme.empty() && !options_.insecure);

  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (use_tls_) {
    grpc::SslCredentialsOptions tls;
    if (!options_.certificate_file.empty() && !read_file(options_.certificate_file, tls.pem_root_certs)) {
      setup_error_ = "cannot read the CA certificate file " + options_.certificate_file;
    }
    if (!options_.client_key_file.empty() && !read_file(options_.client_key_file, tls.pem_private_key)) {
      setup_error_ = "cannot read the client key file " + options_.client_key_file;
    }
    if (!options_.client_certificate_file.empty() &&
        !read_file(options_.client_certificate_file, tls.pem_cert_chain)) {
      setup_error_ = "cannot read the client certificate file " + options_.client_certificate_file;
    }
    credentials = grpc::SslCredentials(tls);
  } else {
    credentials = grpc::InsecureChannelCredentials();
  }
  if (!setup_error_.empty()) return;
  grpc::ChannelArguments arguments;
  arguments.SetUserAgentPrefix(std::string("pipetrace/") + pipetrace_version());
  channel_ = std::make_unique<Channel>();
  channel_->channel = grpc::CreateCustomChannel(target_, credentials, arguments);
  channel_->stub = collector::TraceService::NewStub(channel_->channel);
}

OtlpGrpcExporter::~OtlpGrpcExporter() = default;

std::string OtlpGrpcExporter::describe() const {
  return fmt::format("OTLP/gRPC {}{}", use_tls_ ? "https://" : "http://", target_);
}

ExportResult OtlpGrpcExporter::export_spans(std::span<const SpanBatch> batches) {
  const std::size_t span_count = count_spans(batches);
  if (span_count == 0) return ExportResult{};
  if (!setup_error_.empty()) return ExportResult{ExportStatus::PermanentFailure, setup_error_, 0, 0};
  const collector::ExportTraceServiceRequest request = to_otlp_request(batches, scope_);
  const std::string what = fmt::format("OTLP/gRPC export of {} spans to {}", span_count, target_);

  std::lock_guard lock(mutex_);
  return run_with_retries(options_.retry, environment_, what, [&]() -> AttemptOutcome {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + options_.timeout);
    for (const auto& [key, value] : options_.headers) context.AddMetadata(lower(key), value);
    if (options_.compression == OtlpCompression::Gzip) context.set_compression_algorithm(GRPC_COMPRESS_GZIP);
    collector::ExportTraceServiceResponse response;
    const grpc::Status status = channel_->stub->Export(&context, request, &response);

    AttemptOutcome outcome;
    if (status.ok()) {
      if (response.has_partial_success()) {
        const auto& partial = response.partial_success();
        outcome.rejected_spans = partial.rejected_spans();
        if (partial.rejected_spans() > 0 || !partial.error_message().empty()) {
          spdlog::warn("OTLP/gRPC collector at {} accepted the export but rejected {} of {} spans: {}", target_,
                       partial.rejected_spans(), span_count,
                       partial.error_message().empty() ? "no reason given" : partial.error_message());
        }
      }
      return outcome;
    }
    outcome.message = fmt::format("gRPC {} from {}: {}", code_name(status.error_code()), target_,
                                  status.error_message());
    switch (status.error_code()) {
      case grpc::StatusCode::UNAVAILABLE:
      case grpc::StatusCode::RESOURCE_EXHAUSTED:
      case grpc::StatusCode::DEADLINE_EXCEEDED:
        outcome.status = ExportStatus::RetryableFailure;
        outcome.retry_after = grpc_retry_delay(status.error_details());
        return outcome;
      default:
        outcome.status = ExportStatus::PermanentFailure;
        spdlog::error("OTLP/gRPC collector at {} refused {} spans ({}); they are dropped, not retried", target_,
                      span_count, outcome.message);
        return outcome;
    }
  });
}

}  // namespace pipetrace
