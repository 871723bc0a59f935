// The retry loop shared by the OTLP exporters: which failures are retried is
// decided by each exporter; how long to wait (server-requested delay, or
// exponential backoff with jitter) and when to give up is decided here.
// Sleeping, the wall clock and the jitter seed are injected so that tests run
// in milliseconds and repeat exactly.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "sinks/span_exporter.h"

namespace pipetrace {

struct RetryPolicy {
  int max_attempts = 5;                                   // the first request included
  std::chrono::milliseconds initial_backoff{1000};        // wait before the 2nd attempt, before jitter
  std::chrono::milliseconds max_backoff{30'000};          // cap on any computed wait
  double backoff_multiplier = 2.0;                        // growth per attempt
  double jitter = 0.5;                                    // the wait is drawn from base * [1 - j, 1 + j]
  // Longest server-requested delay (Retry-After, gRPC RetryInfo) waited for in
  // process; a longer one ends the export as a retryable failure at once, so
  // that the caller (batching sink, spool) is not blocked for minutes.
  std::chrono::milliseconds max_retry_after{60'000};
};

using Sleeper = std::function<void(std::chrono::milliseconds)>;
using WallClock = std::function<std::chrono::system_clock::time_point()>;

// What an exporter needs from the outside world to retry.
struct RetryEnvironment {
  Sleeper sleep;          // default: std::this_thread::sleep_for
  WallClock now;          // default: std::chrono::system_clock::now (for HTTP-date Retry-After)
  std::uint64_t seed = 0; // jitter seed; 0 means "pick one at random"
};

// The outcome of one request.
struct AttemptOutcome {
  ExportStatus status = ExportStatus::Sent;
  std::string message;
  std::optional<std::chrono::milliseconds> retry_after;  // the server's requested delay, if any
  std::int64_t rejected_spans = 0;
};

// Exponential backoff with jitter from a seeded generator.
class Backoff {
 public:
  Backoff(const RetryPolicy& policy, std::uint64_t seed);
  // The wait before retry number `retry` (1 for the first retry).
  std::chrono::milliseconds delay(int retry);

 private:
  const RetryPolicy& policy_;
  std::uint64_t state_;
};

// Calls `attempt` until it returns Sent or PermanentFailure, or the policy's
// attempts are used up, waiting between attempts. `what` names the export in
// log lines ("OTLP/HTTP export of 12 spans to https://...").
ExportResult run_with_retries(const RetryPolicy& policy, RetryEnvironment& environment, std::string_view what,
                              const std::function<AttemptOutcome()>& attempt);

// Reads a Retry-After value: delay-seconds ("120") or an HTTP-date
// ("Wed, 21 Oct 2015 07:28:00 GMT", also the obsolete RFC 850 and asctime
// forms). A date in the past gives zero; anything else gives nullopt.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

// Fills in the defaults of an environment whose members are unset.
RetryEnvironment with_defaults(RetryEnvironment environment);

// "1.5s", "250ms": for log lines.
std::string describe_delay(std::chrono::milliseconds delay);

}  // namespace pipetrace
