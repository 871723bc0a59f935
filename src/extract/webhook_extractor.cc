// extract_webhook: decides which form a delivery is in (Lighthouse relay,
// GitHub, GitLab; Lighthouse activity payloads go to the object extractor),
// parses the body once and applies the GUID rule.
#include "extract/webhook_extractor.h"

#include <array>
#include <cstdio>
#include <string>

#include <openssl/sha.h>
#include <simdjson.h>

#include "extract/webhook_fields.h"
#include "extract/webhook_parsers.h"

namespace pipetrace {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view header(const KeyValues& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

bool is_blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

ExtractResult error(std::string message) {
  ExtractResult result;
  result.status = ExtractStatus::Error;
  result.message = std::move(message);
  return result;
}

// A stable stand-in for a delivery GUID: the same body always gets the same
// one, so a replay or a second replica roots its trace in the same place.
std::string guid_from_body(std::string_view body) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest.data());
  std::string out = "sha256:";
  char hex[3];
  for (std::size_t i = 0; i < 16; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", digest[i]);
    out += hex;
  }
  return out;
}

// When the caller cannot say where a delivery came from, its headers can;
// failing that, GitLab bodies name their object_kind and go-scm's keys are
// capitalised, as Go spells struct fields.
std::string resolve_source(std::string_view source, const KeyValues& headers, simdjson::dom::object root) {
  std::string s = webhook_fields::lower(source);
  if (!s.empty()) return s;
  if (!header(headers, "X-Lighthouse-Webhook-Kind").empty()) return "lighthouse";
  if (!header(headers, "X-GitHub-Event").empty()) return "github";
  if (!header(headers, "X-Gitlab-Event").empty()) return "gitlab";
  if (root.at_key("object_kind").error() == simdjson::SUCCESS) return "gitlab";
  for (auto field : root) {
    char first = field.key.empty() ? '\0' : field.key.front();
    return (first >= 'A' && first <= 'Z') ? "lighthouse" : "github";
  }
  return "github";
}

}  // namespace

ExtractResult extract_webhook(std::string_view source, const KeyValues& headers, std::string_view body) {
  std::string where = source.empty() ? std::string("webhook") : std::string(source) + " webhook";
  if (iequals(header(headers, "X-Lighthouse-Payload-Type"), "activity")) {
    if (is_blank(body)) return error(where + ": empty activity payload");
    return extract_object_json(body, "ActivityRecord");
  }
  if (is_blank(body)) return error(where + ": empty body");

  // One parser per thread: deliveries are small, so its buffers stay warm.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto err = parser.parse(body.data(), body.size()).get(root); err != simdjson::SUCCESS) {
    return error(where + ": body is not valid JSON (" + simdjson::error_message(err) + ")");
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) return error(where + ": body is not a JSON object");

  std::string form = resolve_source(source, headers, object);
  WebhookRecord record;
  if (form == "lighthouse") {
    record = read_goscm_webhook(root, header(headers, "X-Lighthouse-Webhook-Kind"));
  } else if (form == "github") {
    record = read_github_webhook(root, header(headers, "X-GitHub-Event"));
  } else if (form == "gitlab") {
    record = read_gitlab_webhook(root, header(headers, "X-Gitlab-Event"));
  } else {
    return error("webhook from unknown source '" + std::string(source) + "' (expected lighthouse, github or gitlab)");
  }
  if (record.event == "unknown" && record.repo_full_name.empty() && record.repo_url.empty()) {
    return error(where + ": body names neither an event nor a repository");
  }

  if (record.guid.empty()) record.guid = header(headers, "X-GitHub-Delivery");
  if (record.guid.empty()) record.guid = header(headers, "X-Gitlab-Event-UUID");
  if (record.guid.empty()) record.guid = guid_from_body(body);

  ExtractResult result;
  result.status = ExtractStatus::Ok;
  result.record = std::move(record);
  return result;
}

}  // namespace pipetrace
