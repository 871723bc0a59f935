// The three webhook body readers behind extract_webhook: go-scm JSON as
// Lighthouse relays it, GitHub's raw payload and GitLab's raw payload. Each
// fills what the body says; the GUID rule and the provider/relay decision
// for headers live in webhook_extractor.cc.
#pragma once

#include <string_view>

#include <simdjson.h>

#include "extract/records.h"

namespace pipetrace {

// `kind` is X-Lighthouse-Webhook-Kind (go-scm's webhook kind: "push",
// "pull_request", "pull_request_comment", "branch", ...); when empty the
// kind is inferred from the body's shape.
WebhookRecord read_goscm_webhook(simdjson::dom::element body, std::string_view kind);

// `event` is X-GitHub-Event; when empty the event is inferred from the shape.
WebhookRecord read_github_webhook(simdjson::dom::element body, std::string_view event);

// `event` is X-Gitlab-Event ("Merge Request Hook"); the body's object_kind
// wins when present. GitLab kinds are mapped to GitHub's event names.
WebhookRecord read_gitlab_webhook(simdjson::dom::element body, std::string_view event);

// "github" or "gitlab" from a repository URL's host; "" when the host names
// neither.
std::string_view provider_from_url(std::string_view url);

}  // namespace pipetrace
