// RFC 3339 parsing and formatting: every accepted form, what is refused, and
// the calendar checked against std::chrono's over the whole representable range.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>

#include "model/time.h"

namespace pipetrace {
namespace {

constexpr TimeNs kSecond = 1000000000LL;

// The instant std::chrono's calendar gives for a UTC date and time.
TimeNs chrono_time(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  using namespace std::chrono;
  const sys_days date{year{y} / month{m} / day{d}};
  return (date.time_since_epoch().count() * 86400LL + hh * 3600 + mm * 60 + ss) * kSecond;
}

std::string two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

TEST(ParseTime, AcceptedForms) {
  const TimeNs base = chrono_time(2023, 1, 2, 3, 4, 5);
  EXPECT_EQ(parse_time("2023-01-02T03:04:05Z"), base);
  EXPECT_EQ(parse_time("2023-01-02t03:04:05z"), base);
  EXPECT_EQ(parse_time("2023-01-02 03:04:05 UTC"), base);  // GitLab
  EXPECT_EQ(parse_time("2023-01-02T03:04:05+0000"), base);
  EXPECT_EQ(parse_time(" \t2023-01-02T03:04:05Z\r\n"), base);
  EXPECT_EQ(parse_time("2023-01-02T03:04:05.123456Z"), base + 123456000);
  EXPECT_EQ(parse_time("2023-01-02T03:04:05.1234567891Z"), base + 123456789);  // past nanoseconds: cut
  EXPECT_EQ(parse_time("2023-01-02T03:04:05.123456789Z"), base + 123456789);
  EXPECT_EQ(parse_time("2023-01-02T03:04:05.4Z"), base + 400000000);
  EXPECT_EQ(parse_time("2023-01-02T03:04:05.412Z"), base + 412000000);
  EXPECT_EQ(parse_time("2023-01-02T03:04:05.5+01:00"), base + kSecond / 2 - 3600 * kSecond);
  EXPECT_EQ(parse_time("2023-01-02T03:04:05-0230"), base + (2 * 3600 + 30 * 60) * kSecond);
  EXPECT_EQ(parse_time("2016-12-31T23:59:60Z"), chrono_time(2017, 1, 1, 0, 0, 0));  // a leap second
  EXPECT_EQ(parse_time("2024-02-29T00:00:00Z"), chrono_time(2024, 2, 29, 0, 0, 0));
  EXPECT_EQ(parse_time("2000-02-29T00:00:00Z"), chrono_time(2000, 2, 29, 0, 0, 0));
  EXPECT_EQ(parse_time("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_time("1969-12-31T23:59:59Z"), -kSecond);
  // Representable years outside the common form's range (1678-2261).
  EXPECT_EQ(parse_time("1677-12-31T23:59:59Z"), chrono_time(1677, 12, 31, 23, 59, 59));
  EXPECT_EQ(parse_time("2262-01-01T00:00:00Z"), chrono_time(2262, 1, 1, 0, 0, 0));
}

TEST(ParseTime, RefusedForms) {
  for (const char* text :
       {"", "2023", "2023-01-02", "2023-01-02T03:04Z", "2023-01-02T03:04:05", "2023-01-02X03:04:05Z",
        "2023-1-02T03:04:05Z", "2023-01-02T03:04:05.Z", "2023-01-02T03:04:05+1:00", "2023-01-02T03:04:05+01:0",
        "2023-01-02T03:04:05 GMT", "2023-13-02T03:04:05Z", "2023-00-02T03:04:05Z", "2023-01-32T03:04:05Z",
        "2023-01-00T03:04:05Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2023-04-31T00:00:00Z",
        "2023-01-02T24:00:00Z", "2023-01-02T03:60:00Z", "2023-01-02T03:04:61Z", "0001-01-01T00:00:00Z",
        "0000-01-01T00:00:00Z", "1600-01-01T00:00:00Z", "2300-01-01T00:00:00Z", "2023-01-02T03:04:05Zjunk",
        "２023-01-02T03:04:05Z", "2023-01-02T03:04:05\xd9\xa1Z"}) {
    EXPECT_EQ(parse_time(text), std::nullopt) << text;
  }
}

// Times of one day are read one after another: the day read last is
// remembered, and must not let a bad time of day, or another day, through.
TEST(ParseTime, TimesOfTheDayReadLastAreCheckedAsAnyOther) {
  ASSERT_EQ(parse_time("2023-01-02T03:04:05Z"), chrono_time(2023, 1, 2, 3, 4, 5));
  for (const char* text : {"2023-01-02T24:00:00Z", "2023-01-02T03:60:00Z", "2023-01-02T03:04:61Z",
                           "2023-01-02T0x:04:05Z", "2023-01-02T03:04:05.Z", "2023-01-02X03:04:05Z"}) {
    EXPECT_EQ(parse_time(text), std::nullopt) << text;
  }
  EXPECT_EQ(parse_time("2023-01-02T23:59:59.5Z"), chrono_time(2023, 1, 2, 23, 59, 59) + kSecond / 2);
  EXPECT_EQ(parse_time("2023-02-29T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_time("2023-01-02T00:00:00Z"), chrono_time(2023, 1, 2, 0, 0, 0));
  EXPECT_EQ(parse_time("2023-01-03T00:00:00Z"), chrono_time(2023, 1, 3, 0, 0, 0));
  EXPECT_EQ(parse_time("2023-01-02T00:00:00Z"), chrono_time(2023, 1, 2, 0, 0, 0));
}

// Random instants over the whole range that 64-bit nanoseconds hold, in
// every form: the calendar matches std::chrono's and format_time's.
TEST(ParseTime, AgreesWithChronoOverTheRepresentableRange) {
  std::mt19937_64 random(20261128);
  for (int i = 0; i < 20000; ++i) {
    const int y = std::uniform_int_distribution<int>(1678, 2261)(random);
    const unsigned m = std::uniform_int_distribution<unsigned>(1, 12)(random);
    const unsigned last = static_cast<unsigned>(
        (std::chrono::year{y} / std::chrono::month{m} / std::chrono::last).day());
    const unsigned d = std::uniform_int_distribution<unsigned>(1, last)(random);
    const int hh = static_cast<int>(random() % 24), mm = static_cast<int>(random() % 60),
              ss = static_cast<int>(random() % 60);
    const std::string date = std::to_string(y) + "-" + two(static_cast<int>(m)) + "-" + two(static_cast<int>(d));
    const std::string clock = two(hh) + ":" + two(mm) + ":" + two(ss);
    const TimeNs expected = chrono_time(y, m, d, hh, mm, ss);
    ASSERT_EQ(parse_time(date + "T" + clock + "Z"), expected) << date << " " << clock;
    ASSERT_EQ(parse_time(date + "T" + clock + ".25-01:30"), expected + kSecond / 4 + 5400 * kSecond)
        << date << " " << clock;
    ASSERT_EQ(parse_time(format_time(expected)), expected) << format_time(expected);
    const TimeNs nanos = static_cast<TimeNs>(random() % 1000000000);
    ASSERT_EQ(parse_time(format_time(expected + nanos)), expected + nanos) << format_time(expected + nanos);
    ASSERT_EQ(format_time(expected), date + "T" + clock + "Z");
  }
}

}  // namespace
}  // namespace pipetrace
