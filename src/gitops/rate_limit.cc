// See rate_limit.h.
#include "gitops/rate_limit.h"

#include <curl/curl.h>

#include <charconv>
#include <optional>

namespace pipetrace::gitops {
namespace {

constexpr TimeNs kSecond = 1000000000LL;
// GitHub asks clients hit by a secondary limit without Retry-After to wait a minute.
constexpr TimeNs kDefaultRetryWait = 60 * kSecond;

std::optional<long long> number(const ResponseHeaders& headers, const char* name) {
  auto it = headers.find(name);
  if (it == headers.end()) return std::nullopt;
  const std::string& text = it->second;
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  return value;
}

// Retry-After is seconds or an HTTP date.
std::optional<TimeNs> retry_after(const ResponseHeaders& headers, TimeNs now) {
  if (auto seconds = number(headers, "retry-after")) return now + std::max(0LL, *seconds) * kSecond;
  auto it = headers.find("retry-after");
  if (it == headers.end()) return std::nullopt;
  time_t at = curl_getdate(it->second.c_str(), nullptr);
  if (at < 0) return std::nullopt;
  return static_cast<TimeNs>(at) * kSecond;
}

}  // namespace

RateLimitVerdict read_rate_limit(int status, const ResponseHeaders& headers, TimeNs now) {
  RateLimitVerdict verdict;
  auto remaining = number(headers, "x-ratelimit-remaining");
  if (!remaining) remaining = number(headers, "ratelimit-remaining");
  auto reset = number(headers, "x-ratelimit-reset");
  if (!reset) reset = number(headers, "ratelimit-reset");
  if (reset) verdict.reset_at = *reset * kSecond;
  verdict.exhausted = remaining && *remaining <= 0 && verdict.reset_at > now;

  auto after = retry_after(headers, now);
  verdict.refused = status == 429 || (status == 403 && (after || (remaining && *remaining <= 0)));
  if (verdict.refused) {
    if (after) {
      verdict.retry_at = *after;
    } else if (verdict.reset_at > now) {
      verdict.retry_at = verdict.reset_at;
    } else {
      verdict.retry_at = now + kDefaultRetryWait;
    }
  }
  return verdict;
}

}  // namespace pipetrace::gitops
