// One HTTP connection to the API server (libcurl; HTTP/2 when the server
// offers it over TLS). Not thread-safe: each watching thread owns one, so
// each keeps its own keep-alive connection.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "kube/bearer_token.h"
#include "kube/kube_config.h"
#include "kube/stop_signal.h"

namespace pipetrace::kube {

struct ApiResponse {
  long status = 0;          // HTTP status; 0 when no response arrived
  std::string body;         // for streams: only the body of a non-2xx answer
  int transport_code = 0;   // CURLcode; 0 when the exchange completed
  std::string transport_error;
  bool cancelled = false;   // ended by the StopSignal

  // libcurl reports success for any status, 401 and 410 included: callers
  // look at this, never at transport_code alone.
  bool ok() const { return transport_code == 0 && !cancelled && status >= 200 && status < 300; }
  bool transport_failed() const { return transport_code != 0 && !cancelled; }
  // The message of a Kubernetes Status body, or the body's start.
  std::string status_message() const;
};

class ApiConnection {
 public:
  ApiConnection(const KubeConfig& config, std::shared_ptr<BearerToken> token, StopSignal* stop = nullptr);
  ~ApiConnection();
  ApiConnection(const ApiConnection&) = delete;
  ApiConnection& operator=(const ApiConnection&) = delete;

  // `path` starts with '/' and may carry a query. An empty content type
  // sends no body.
  ApiResponse request(std::string_view method, const std::string& path, std::string_view body = {},
                      std::string_view content_type = {},
                      std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // GETs `path` and hands each complete line of a 2xx body to `on_line` as it
  // arrives; a trailing partial line (connection dropped mid-object) is never
  // handed over. `on_line` returns false to end the transfer early (it then
  // counts as completed). `timeout` bounds the whole transfer.
  using LineHandler = std::function<bool(std::string_view line)>;
  ApiResponse stream_lines(const std::string& path, std::chrono::milliseconds timeout, const LineHandler& on_line);

  // One sentence for an operator: what failed (`what`, e.g. "listing
  // PipelineRuns"), why, and which credential or CA is involved.
  std::string describe_failure(const ApiResponse& response, std::string_view what) const;

  const KubeConfig& config() const { return config_; }

 private:
  struct Transfer;
  ApiResponse perform(Transfer& transfer, std::chrono::milliseconds timeout);

  KubeConfig config_;
  std::shared_ptr<BearerToken> token_;
  StopSignal* stop_;
  void* easy_ = nullptr;   // CURL*
  void* multi_ = nullptr;  // CURLM*, for waking a blocked transfer on stop
  std::size_t waker_id_ = 0;
};

}  // namespace pipetrace::kube
