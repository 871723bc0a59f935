// Fuzz target: the webhook authentication of serve (delivery_input.h:
// headers, blank line, body). Checks the promises webhook_auth.h makes: a
// signature matches exactly when it is "sha256=" and the body's HMAC (hex in
// either case), a token exactly when it is equal; and through the endpoints,
// that no delivery with a wrong signature gets past 401 while a correctly
// signed copy of the same delivery always does.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

#include "delivery_input.h"
#include "model/clock.h"
#include "serve/event_queue.h"
#include "serve/serve_metrics.h"
#include "serve/webhook_auth.h"
#include "serve/webhook_endpoints.h"

namespace {

using namespace pipetrace;
using namespace pipetrace::serve;

constexpr std::string_view kSecret = fuzz::kWebhookSecret;

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view header(const KeyValues& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (lower(key) == lower(name)) return value;
  }
  return {};
}

// The same delivery with every credential header replaced by a valid one.
KeyValues signed_copy(const KeyValues& headers, std::string_view body) {
  KeyValues out;
  for (const auto& entry : headers) {
    std::string name = lower(entry.first);
    if (name != "x-lighthouse-signature" && name != "x-hub-signature-256" && name != "x-gitlab-token") {
      out.push_back(entry);
    }
  }
  std::string signature = "sha256=" + hmac_sha256_hex(kSecret, body);
  out.emplace_back("X-Lighthouse-Signature", signature);
  out.emplace_back("X-Hub-Signature-256", signature);
  out.emplace_back("X-Gitlab-Token", std::string(kSecret));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);  // every refused delivery logs a warning
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ManualClock clock;
  static ServeMetrics metrics;
  static EventQueue queue(1000000);
  static WebhookEndpoints endpoints(
      WebhookSecrets{std::string(kSecret), std::string(kSecret), std::string(kSecret)}, 1 << 20, queue, metrics, clock);

  fuzz::Delivery delivery = fuzz::split_delivery(std::string_view(reinterpret_cast<const char*>(data), size));
  const std::string expected = "sha256=" + hmac_sha256_hex(kSecret, delivery.body);

  for (std::string_view name : {"X-Hub-Signature-256", "X-Lighthouse-Signature"}) {
    std::string_view given = header(delivery.headers, name);
    bool should_match = given.starts_with("sha256=") && lower(given) == expected;
    if (signature_matches(given, kSecret, delivery.body) != should_match) std::abort();
    if (signature_matches(given, "", delivery.body)) std::abort();  // an empty key never matches
  }
  std::string_view token = header(delivery.headers, "X-Gitlab-Token");
  if (token_matches(token, kSecret) != (token == kSecret)) std::abort();
  if (token_matches(token, "")) std::abort();

  const KeyValues valid = signed_copy(delivery.headers, delivery.body);
  for (WebhookEndpoint endpoint : {WebhookEndpoint::Lighthouse, WebhookEndpoint::GitHub, WebhookEndpoint::GitLab}) {
    std::string_view credential = endpoint == WebhookEndpoint::Lighthouse ? header(delivery.headers, "X-Lighthouse-Signature")
                                  : endpoint == WebhookEndpoint::GitHub   ? header(delivery.headers, "X-Hub-Signature-256")
                                                                          : header(delivery.headers, "X-Gitlab-Token");
    bool genuine = endpoint == WebhookEndpoint::GitLab ? credential == kSecret
                                                       : (credential.starts_with("sha256=") && lower(credential) == expected);
    WebhookReply reply = endpoints.handle(endpoint, delivery.headers, delivery.body);
    if (!genuine && reply.status != 401) std::abort();
    if (endpoints.handle(endpoint, valid, delivery.body).status == 401) std::abort();
  }
  while (queue.depth() > 0) queue.pop_for(std::chrono::milliseconds(0));
  return 0;
}
