// Turns one webhook delivery (headers + body) into a WebhookRecord or, for a
// Lighthouse "activity" payload, a LighthouseActivityRecord.
#pragma once

#include <string_view>

#include "extract/object_extractor.h"
#include "extract/records.h"

namespace pipetrace {

// `source` is "lighthouse" (go-scm JSON relayed by Lighthouse), "github" or
// "gitlab" (the provider's raw payload). Header names are matched
// case-insensitively. The GUID comes from the body (go-scm "GUID") or the
// delivery header (X-GitHub-Delivery, X-Gitlab-Event-UUID); when none is
// present it is derived from a SHA-256 of the body so that it is stable.
ExtractResult extract_webhook(std::string_view source, const KeyValues& headers, std::string_view body);

}  // namespace pipetrace
