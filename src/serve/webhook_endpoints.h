// The webhook endpoints of `serve`:
//   POST /lighthouse/events  Lighthouse's external-plugin relay (go-scm JSON or
//                            an activity record), X-Lighthouse-Signature
//   POST /hooks/github       GitHub's raw payload, X-Hub-Signature-256
//   POST /hooks/gitlab       GitLab's raw payload, X-Gitlab-Token
// Authentication comes first: nothing of an unauthenticated body is read.
// An accepted delivery is extracted, queued for the tracer and answered 202
// at once; the tracer does the rest on its own thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "extract/records.h"
#include "model/clock.h"
#include "serve/event_queue.h"
#include "serve/serve_metrics.h"

namespace httplib {
class Server;
}

namespace pipetrace::serve {

struct WebhookSecrets {
  std::string lighthouse_hmac_key;    // "" : /lighthouse/events refuses every delivery
  std::string github_webhook_secret;  // "" : /hooks/github refuses every delivery
  std::string gitlab_webhook_token;   // "" : /hooks/gitlab refuses every delivery
};

enum class WebhookEndpoint { Lighthouse, GitHub, GitLab };

const char* endpoint_name(WebhookEndpoint endpoint);  // "lighthouse" | "github" | "gitlab"
const char* endpoint_path(WebhookEndpoint endpoint);  // "/lighthouse/events", ...

struct WebhookReply {
  int status = 202;
  std::string body;  // one line for the sender's delivery log
};

class WebhookEndpoints {
 public:
  WebhookEndpoints(WebhookSecrets secrets, std::size_t max_body_bytes, EventQueue& queue, ServeMetrics& metrics,
                   const Clock& clock);

  // Adds the three routes, and a pre-routing check that answers 413 from the
  // Content-Length alone, before the body is read.
  void mount(httplib::Server& server);

  // One delivery, as the routes call it (header names case-insensitive).
  WebhookReply handle(WebhookEndpoint endpoint, const KeyValues& headers, std::string_view body);

 private:
  bool authenticated(WebhookEndpoint endpoint, const KeyValues& headers, std::string_view body,
                     std::string& problem) const;

  WebhookSecrets secrets_;
  std::size_t max_body_bytes_;
  EventQueue& queue_;
  ServeMetrics& metrics_;
  const Clock& clock_;
};

}  // namespace pipetrace::serve
