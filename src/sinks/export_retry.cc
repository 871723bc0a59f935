// Retry timing for the OTLP exporters.
#include "sinks/export_retry.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <random>
#include <thread>

#include <curl/curl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace pipetrace {

const char* to_string(ExportStatus status) {
  switch (status) {
    case ExportStatus::Sent: return "sent";
    case ExportStatus::RetryableFailure: return "retryable failure";
    case ExportStatus::PermanentFailure: return "permanent failure";
  }
  return "unknown";
}

namespace {

// splitmix64: a tiny, well-mixed generator whose whole state is one seed, so
// that a test can pin the exact sequence of waits.
std::uint64_t next_random(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

Backoff::Backoff(const RetryPolicy& policy, std::uint64_t seed) : policy_(policy), state_(seed) {}

std::chrono::milliseconds Backoff::delay(int retry) {
  const double base_ms = static_cast<double>(policy_.initial_backoff.count()) *
                         std::pow(policy_.backoff_multiplier, std::max(0, retry - 1));
  const double capped = std::min(base_ms, static_cast<double>(policy_.max_backoff.count()));
  const double unit = static_cast<double>(next_random(state_) >> 11) / static_cast<double>(1ULL << 53);
  const double factor = 1.0 - policy_.jitter + 2.0 * policy_.jitter * unit;
  const double waited = std::min(capped * factor, static_cast<double>(policy_.max_backoff.count()));
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::max(0.0, waited)));
}

RetryEnvironment with_defaults(RetryEnvironment environment) {
  if (!environment.sleep) {
    environment.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  }
  if (!environment.now) environment.now = [] { return std::chrono::system_clock::now(); };
  if (environment.seed == 0) environment.seed = std::random_device{}() | (std::uint64_t{std::random_device{}()} << 32);
  return environment;
}

std::string describe_delay(std::chrono::milliseconds delay) {
  if (delay < std::chrono::seconds(1)) return fmt::format("{}ms", delay.count());
  return fmt::format("{:.1f}s", static_cast<double>(delay.count()) / 1000.0);
}

ExportResult run_with_retries(const RetryPolicy& policy, RetryEnvironment& environment, std::string_view what,
                              const std::function<AttemptOutcome()>& attempt) {
  Backoff backoff(policy, environment.seed);
  // Each export draws a fresh jitter sequence, still determined by the seed.
  environment.seed = next_random(environment.seed) | 1;
  ExportResult result;
  const int max_attempts = std::max(1, policy.max_attempts);
  for (int n = 1;; ++n) {
    AttemptOutcome outcome = attempt();
    result.attempts = n;
    result.status = outcome.status;
    result.message = std::move(outcome.message);
    result.rejected_spans = outcome.rejected_spans;
    if (outcome.status != ExportStatus::RetryableFailure) return result;
    if (n >= max_attempts) {
      spdlog::error("{} failed{}, giving up for now: {}", what, n == 1 ? std::string() : fmt::format(" {} times", n),
                    result.message);
      result.message = fmt::format("gave up after {} attempts: {}", n, result.message);
      return result;
    }
    std::chrono::milliseconds wait = backoff.delay(n);
    if (outcome.retry_after) {
      if (*outcome.retry_after > policy.max_retry_after) {
        spdlog::error("{} failed ({}); the collector asks to retry in {}, longer than the {} waited in process, "
                      "so the spans are handed back for a later attempt",
                      what, result.message, describe_delay(*outcome.retry_after),
                      describe_delay(policy.max_retry_after));
        result.message = fmt::format("{} (collector asked to retry after {})", result.message,
                                     describe_delay(*outcome.retry_after));
        return result;
      }
      wait = *outcome.retry_after;  // the server knows best when it will have room
    }
    spdlog::warn("{} failed ({}); retrying in {} (attempt {} of {})", what, result.message, describe_delay(wait),
                 n + 1, max_attempts);
    environment.sleep(wait);
  }
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return std::chrono::milliseconds::max();  // absurdly long: more than any cap
    return std::chrono::seconds(std::stoll(std::string(value)));
  }
  // libcurl's date parser reads all three HTTP-date forms of RFC 9110.
  const std::string text(value);
  const time_t when = curl_getdate(text.c_str(), nullptr);
  if (when == -1) return std::nullopt;
  const auto delta = std::chrono::system_clock::from_time_t(when) - now;
  if (delta <= std::chrono::system_clock::duration::zero()) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(delta);
}

}  // namespace pipetrace
