// See webhook_endpoints.h.
#include "serve/webhook_endpoints.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <strings.h>

#include <exception>

#include "extract/webhook_extractor.h"
#include "serve/webhook_auth.h"

namespace pipetrace::serve {
namespace {

std::string_view header(const KeyValues& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) return value;
  }
  return {};
}

// The delivery's identity for log lines, from headers only (the body of an
// unauthenticated delivery is never read).
std::string delivery_id(WebhookEndpoint endpoint, const KeyValues& headers) {
  std::string_view id;
  switch (endpoint) {
    case WebhookEndpoint::Lighthouse:
      id = header(headers, "X-GitHub-Delivery");
      if (id.empty()) id = header(headers, "X-Request-Id");
      break;
    case WebhookEndpoint::GitHub: id = header(headers, "X-GitHub-Delivery"); break;
    case WebhookEndpoint::GitLab: id = header(headers, "X-Gitlab-Event-UUID"); break;
  }
  if (id.empty()) return "(no delivery id)";
  // Header values are the sender's: keep log lines one line and short.
  std::string safe;
  for (char c : id.substr(0, 80)) safe += (c >= 0x20 && c < 0x7f) ? c : '?';
  return safe;
}

const char* secret_setting(WebhookEndpoint endpoint) {
  switch (endpoint) {
    case WebhookEndpoint::Lighthouse: return "--lighthouse-hmac-key or LIGHTHOUSE_HMAC_KEY";
    case WebhookEndpoint::GitHub: return "--github-webhook-secret-file or GITHUB_WEBHOOK_SECRET";
    case WebhookEndpoint::GitLab: return "--gitlab-webhook-token-file or GITLAB_WEBHOOK_TOKEN";
  }
  return "";
}

}  // namespace

const char* endpoint_name(WebhookEndpoint endpoint) {
  switch (endpoint) {
    case WebhookEndpoint::Lighthouse: return "lighthouse";
    case WebhookEndpoint::GitHub: return "github";
    case WebhookEndpoint::GitLab: return "gitlab";
  }
  return "";
}

const char* endpoint_path(WebhookEndpoint endpoint) {
  switch (endpoint) {
    case WebhookEndpoint::Lighthouse: return "/lighthouse/events";
    case WebhookEndpoint::GitHub: return "/hooks/github";
    case WebhookEndpoint::GitLab: return "/hooks/gitlab";
  }
  return "";
}

WebhookEndpoints::WebhookEndpoints(WebhookSecrets secrets, std::size_t max_body_bytes, EventQueue& queue,
                                   ServeMetrics& metrics, const Clock& clock)
    : secrets_(std::move(secrets)), max_body_bytes_(max_body_bytes), queue_(queue), metrics_(metrics), clock_(clock) {}

bool WebhookEndpoints::authenticated(WebhookEndpoint endpoint, const KeyValues& headers, std::string_view body,
                                     std::string& problem) const {
  const std::string* secret = nullptr;
  std::string_view given;
  switch (endpoint) {
    case WebhookEndpoint::Lighthouse:
      secret = &secrets_.lighthouse_hmac_key;
      given = header(headers, "X-Lighthouse-Signature");
      break;
    case WebhookEndpoint::GitHub:
      secret = &secrets_.github_webhook_secret;
      given = header(headers, "X-Hub-Signature-256");
      break;
    case WebhookEndpoint::GitLab:
      secret = &secrets_.gitlab_webhook_token;
      given = header(headers, "X-Gitlab-Token");
      break;
  }
  if (secret->empty()) {
    problem = fmt::format("no secret is configured for this endpoint (set {})", secret_setting(endpoint));
    return false;
  }
  if (given.empty()) {
    problem = endpoint == WebhookEndpoint::GitLab ? "the X-Gitlab-Token header is missing" : "the signature header is missing";
    return false;
  }
  bool ok = endpoint == WebhookEndpoint::GitLab ? token_matches(given, *secret) : signature_matches(given, *secret, body);
  if (!ok) {
    problem = endpoint == WebhookEndpoint::GitLab ? "the token does not match"
                                                  : "the signature does not match the body and the configured secret";
  }
  return ok;
}

WebhookReply WebhookEndpoints::handle(WebhookEndpoint endpoint, const KeyValues& headers, std::string_view body) {
  const std::string name = endpoint_name(endpoint);
  if (body.size() > max_body_bytes_) {
    metrics_.webhook_delivery(name, "too_large");
    spdlog::warn("serve: {} delivery {} refused: body of {} bytes exceeds --max-body-bytes {}", endpoint_path(endpoint),
                 delivery_id(endpoint, headers), body.size(), max_body_bytes_);
    return {413, "payload too large\n"};
  }
  std::string problem;
  if (!authenticated(endpoint, headers, body, problem)) {
    metrics_.webhook_delivery(name, "unauthorized");
    spdlog::warn("serve: {} delivery {} refused (401): {}", endpoint_path(endpoint), delivery_id(endpoint, headers),
                 problem);
    return {401, "unauthorized\n"};
  }
  ExtractResult extracted;
  try {
    extracted = extract_webhook(name, headers, body);
  } catch (const std::exception& e) {
    extracted.status = ExtractStatus::Error;
    extracted.message = e.what();
  }
  if (extracted.status == ExtractStatus::Error || !extracted.record) {
    if (extracted.status == ExtractStatus::Ignored) {
      metrics_.webhook_delivery(name, "ignored");
      spdlog::debug("serve: {} delivery {} ignored: {}", endpoint_path(endpoint), delivery_id(endpoint, headers),
                    extracted.message);
      return {202, "ignored\n"};
    }
    metrics_.webhook_delivery(name, "malformed");
    spdlog::warn("serve: {} delivery {} refused (400): {}", endpoint_path(endpoint), delivery_id(endpoint, headers),
                 extracted.message);
    return {400, "malformed payload: " + extracted.message + "\n"};
  }
  ObservedEvent event;
  event.type = WatchType::Webhook;
  event.observed_at = clock_.now();
  event.record = std::move(*extracted.record);
  if (!queue_.try_push(std::move(event))) {
    metrics_.webhook_delivery(name, "overloaded");
    spdlog::warn("serve: {} delivery {} refused (503): the tracer queue is full ({} events)", endpoint_path(endpoint),
                 delivery_id(endpoint, headers), queue_.capacity());
    return {503, "busy, retry later\n"};
  }
  metrics_.webhook_delivery(name, "accepted");
  metrics_.event_received("webhook");
  spdlog::debug("serve: {} delivery {} accepted", endpoint_path(endpoint), delivery_id(endpoint, headers));
  return {202, "accepted\n"};
}

void WebhookEndpoints::mount(httplib::Server& server) {
  server.set_payload_max_length(max_body_bytes_);
  const std::size_t limit = max_body_bytes_;
  ServeMetrics& metrics = metrics_;
  // A declared length over the limit is refused before the body is read.
  server.set_pre_routing_handler([limit, &metrics](const httplib::Request& req, httplib::Response& res) {
    if (req.method != "POST" || !req.has_header("Content-Length")) return httplib::Server::HandlerResponse::Unhandled;
    std::size_t declared = 0;
    try {
      declared = std::stoull(req.get_header_value("Content-Length"));
    } catch (const std::exception&) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    if (declared <= limit) return httplib::Server::HandlerResponse::Unhandled;
    for (WebhookEndpoint e : {WebhookEndpoint::Lighthouse, WebhookEndpoint::GitHub, WebhookEndpoint::GitLab}) {
      if (req.path == endpoint_path(e)) metrics.webhook_delivery(endpoint_name(e), "too_large");
    }
    spdlog::warn("serve: {} refused: Content-Length {} exceeds --max-body-bytes {}", req.path, declared, limit);
    res.status = 413;
    res.set_content("payload too large\n", "text/plain");
    return httplib::Server::HandlerResponse::Handled;
  });
  for (WebhookEndpoint endpoint : {WebhookEndpoint::Lighthouse, WebhookEndpoint::GitHub, WebhookEndpoint::GitLab}) {
    server.Post(endpoint_path(endpoint), [this, endpoint](const httplib::Request& req, httplib::Response& res) {
      KeyValues headers;
      headers.reserve(req.headers.size());
      for (const auto& [key, value] : req.headers) headers.emplace_back(key, value);
      WebhookReply reply = handle(endpoint, headers, req.body);
      res.status = reply.status;
      res.set_content(reply.body, "text/plain");
    });
  }
}

}  // namespace pipetrace::serve
