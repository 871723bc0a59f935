// Checks that a webhook delivery comes from whoever holds the shared secret,
// before a single byte of its body is parsed: the HMAC-SHA256 signatures of
// Lighthouse (X-Lighthouse-Signature) and GitHub (X-Hub-Signature-256), both
// "sha256=<hex>", and GitLab's plain token (X-Gitlab-Token). Every comparison
// is constant-time so that timing reveals nothing about the secret.
#pragma once

#include <string>
#include <string_view>

namespace pipetrace::serve {

// Lower-case hex HMAC-SHA256 of `body` under `key`.
std::string hmac_sha256_hex(std::string_view key, std::string_view body);

// True when `header` is "sha256=<hex>" (hex in either case) and the hex is
// the HMAC-SHA256 of `body` under `key`. An empty key never matches.
bool signature_matches(std::string_view header, std::string_view key, std::string_view body);

// True when `given` equals `expected` (compared through their SHA-256
// digests, so that neither content nor length leaks). An empty expected
// token never matches.
bool token_matches(std::string_view given, std::string_view expected);

}  // namespace pipetrace::serve
