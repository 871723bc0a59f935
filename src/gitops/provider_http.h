// The HTTP client of the provider REST clients: one libcurl request per
// call, the status checked (libcurl reports success on a 4xx), and the
// provider's rate limits honoured: a spent budget holds further requests
// until its reset, a rate-limit refusal is retried once after the wait the
// provider asks for, and a wait longer than `max_wait` is not taken (the
// call fails with a message instead, so the caller can try again later).
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "gitops/rate_limit.h"
#include "model/clock.h"

namespace pipetrace::gitops {

struct HttpResponse {
  int status = 0;  // 0 when no answer came
  ResponseHeaders headers;
  std::string body;
  std::string error;  // set when the transfer failed or the status is not 2xx
  bool ok() const { return error.empty(); }
};

struct ProviderHttpOptions {
  std::chrono::milliseconds timeout{15000};
  std::chrono::seconds max_wait{30};  // longest rate-limit wait taken inside one call
};

class ProviderHttp {
 public:
  using Sleep = std::function<void(std::chrono::nanoseconds)>;

  // `name` ("GitHub", "GitLab") is for messages. `sleep` waits; tests pass one
  // that moves a ManualClock instead.
  ProviderHttp(std::string name, ProviderHttpOptions options, const Clock& clock, Sleep sleep);

  // `headers` are "Name: value" lines; `body` is sent when not empty (JSON).
  HttpResponse send(const std::string& method, const std::string& url, const std::vector<std::string>& headers,
                    const std::string& body = {});

  std::size_t rate_limit_waits() const { return waits_; }

 private:
  HttpResponse perform(const std::string& method, const std::string& url, const std::vector<std::string>& headers,
                       const std::string& body);
  // Waits until `until` when that is within max_wait; false (and no wait) otherwise.
  bool wait_until(TimeNs until);

  std::string name_;
  ProviderHttpOptions options_;
  const Clock& clock_;
  Sleep sleep_;
  std::mutex mutex_;  // one request at a time: the budget is shared
  TimeNs held_until_ = 0;
  std::size_t waits_ = 0;
};

// The real waiting.
ProviderHttp::Sleep real_sleep();

}  // namespace pipetrace::gitops
