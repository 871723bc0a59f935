// An OTLP/gRPC collector inside the test process: a grpc::Server on
// 127.0.0.1 at a random port implementing TraceService/Export, answering
// from a script of statuses and recording each request's metadata and spans.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "sinks/otlp_proto_decoder.h"

namespace pipetrace::testing {

namespace collector_v1 = opentelemetry::proto::collector::trace::v1;

struct ScriptedStatus {
  ScriptedStatus(grpc::Status status_ = grpc::Status::OK, std::int64_t rejected = 0, std::string message = {})
      : status(std::move(status_)), rejected_spans(rejected), rejection_message(std::move(message)) {}
  grpc::Status status;
  std::int64_t rejected_spans;  // with OK: a partial success
  std::string rejection_message;
};

struct ReceivedCall {
  std::multimap<std::string, std::string> metadata;
  OtlpDecodeResult decoded;
  bool answered_ok = false;
};

class GrpcTestCollector final : public collector_v1::TraceService::Service {
 public:
  // With accept_gzip false, gzip-compressed requests are refused by the
  // server library (UNIMPLEMENTED), which shows whether a client compressed.
  explicit GrpcTestCollector(std::vector<ScriptedStatus> script = {}, bool accept_gzip = true,
                             std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials())
      : script_(std::move(script)) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", credentials, &port_);
    builder.SetCompressionAlgorithmSupportStatus(GRPC_COMPRESS_GZIP, accept_gzip);
    builder.RegisterService(this);
    server_ = builder.BuildAndStart();
  }
  ~GrpcTestCollector() override { server_->Shutdown(); }

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  grpc::Status Export(grpc::ServerContext* context, const collector_v1::ExportTraceServiceRequest* request,
                      collector_v1::ExportTraceServiceResponse* response) override {
    std::lock_guard lock(mutex_);
    ReceivedCall call;
    for (const auto& [key, value] : context->client_metadata()) {
      call.metadata.emplace(std::string(key.data(), key.size()), std::string(value.data(), value.size()));
    }
    call.decoded = from_otlp_request(*request);
    const ScriptedStatus reply = calls_.size() < script_.size() ? script_[calls_.size()] : ScriptedStatus{};
    call.answered_ok = reply.status.ok();
    if (reply.status.ok() && (reply.rejected_spans != 0 || !reply.rejection_message.empty())) {
      response->mutable_partial_success()->set_rejected_spans(reply.rejected_spans);
      response->mutable_partial_success()->set_error_message(reply.rejection_message);
    }
    calls_.push_back(std::move(call));
    return reply.status;
  }

  std::vector<ReceivedCall> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

  std::vector<Span> accepted_spans() const {
    std::lock_guard lock(mutex_);
    std::vector<Span> out;
    for (const ReceivedCall& call : calls_) {
      if (!call.answered_ok) continue;
      for (const SpanBatch& batch : call.decoded.batches) out.insert(out.end(), batch.spans.begin(), batch.spans.end());
    }
    return out;
  }

 private:
  std::vector<ScriptedStatus> script_;
  mutable std::mutex mutex_;
  std::vector<ReceivedCall> calls_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace pipetrace::testing
