// Retry timing: Retry-After in both forms, backoff growth, cap and jitter.
#include <gtest/gtest.h>

#include "sinks/export_retry.h"
#include "sinks/gzip.h"

namespace pipetrace {
namespace {

using namespace std::chrono_literals;

const auto kNow = std::chrono::system_clock::from_time_t(1'445'412'480);  // Wed, 21 Oct 2015 07:28:00 GMT

TEST(ParseRetryAfter, ReadsSecondsAndAllThreeHttpDateForms) {
  EXPECT_EQ(parse_retry_after("120", kNow), 120'000ms);
  EXPECT_EQ(parse_retry_after(" 0 ", kNow), 0ms);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", kNow), 30'000ms);
  EXPECT_EQ(parse_retry_after("Wednesday, 21-Oct-15 07:29:00 GMT", kNow), 60'000ms);
  EXPECT_EQ(parse_retry_after("Wed Oct 21 07:28:05 2015", kNow), 5'000ms);
  EXPECT_EQ(parse_retry_after("Tue, 20 Oct 2015 07:28:00 GMT", kNow), 0ms);  // in the past: retry now
  EXPECT_EQ(parse_retry_after("", kNow), std::nullopt);
  EXPECT_EQ(parse_retry_after("soon", kNow), std::nullopt);
  EXPECT_EQ(parse_retry_after("-5", kNow), std::nullopt);
}

TEST(Backoff, GrowsExponentiallyWithinTheJitterAndIsCapped) {
  RetryPolicy policy;
  policy.initial_backoff = 1000ms;
  policy.backoff_multiplier = 2.0;
  policy.jitter = 0.5;
  policy.max_backoff = 5000ms;
  Backoff backoff(policy, 1234);
  const std::chrono::milliseconds expected_base[] = {1000ms, 2000ms, 4000ms, 5000ms, 5000ms};
  for (int retry = 1; retry <= 5; ++retry) {
    const auto d = backoff.delay(retry);
    const auto base = expected_base[retry - 1];
    EXPECT_GE(d, base / 2) << "retry " << retry;
    EXPECT_LE(d, std::min(base * 3 / 2, policy.max_backoff)) << "retry " << retry;
  }
}

TEST(Backoff, NoJitterGivesTheExactSchedule) {
  RetryPolicy policy;
  policy.initial_backoff = 100ms;
  policy.jitter = 0.0;
  policy.backoff_multiplier = 3.0;
  Backoff backoff(policy, 99);
  EXPECT_EQ(backoff.delay(1), 100ms);
  EXPECT_EQ(backoff.delay(2), 300ms);
  EXPECT_EQ(backoff.delay(3), 900ms);
}

TEST(RunWithRetries, StopsAtTheFirstSentOrPermanentOutcome) {
  RetryPolicy policy;
  std::vector<std::chrono::milliseconds> waits;
  RetryEnvironment environment{[&](std::chrono::milliseconds d) { waits.push_back(d); }, [] { return kNow; }, 5};
  int calls = 0;
  const ExportResult permanent = run_with_retries(policy, environment, "test export", [&] {
    ++calls;
    return AttemptOutcome{calls < 2 ? ExportStatus::RetryableFailure : ExportStatus::PermanentFailure, "x", {}, 0};
  });
  EXPECT_EQ(permanent.status, ExportStatus::PermanentFailure);
  EXPECT_EQ(permanent.attempts, 2);
  EXPECT_EQ(waits.size(), 1u);
}

TEST(Gzip, RoundTripsAndRejectsGarbage) {
  const std::string text(10'000, 'a');
  const std::string packed = gzip_compress(text);
  EXPECT_LT(packed.size(), 200u);
  EXPECT_EQ(static_cast<unsigned char>(packed[0]), 0x1f);  // the gzip magic
  EXPECT_EQ(static_cast<unsigned char>(packed[1]), 0x8b);
  std::string out;
  EXPECT_EQ(gzip_decompress(packed, out), "");
  EXPECT_EQ(out, text);
  EXPECT_NE(gzip_decompress("not gzip at all", out), "");
  EXPECT_NE(gzip_decompress(packed.substr(0, packed.size() / 2), out), "");
  EXPECT_NE(gzip_decompress(packed, out, 100), "");  // over the size limit
}

}  // namespace
}  // namespace pipetrace
