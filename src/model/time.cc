// Hand-rolled RFC 3339 parsing: std::chrono's parse is not in libstdc++ 12,
// and strptime ignores fractions and offsets.
#include "model/time.h"

#include <chrono>
#include <cstdio>
#include <cstring>

namespace pipetrace {
namespace {

// Called for every timestamp of every object read: std::isdigit and
// std::isspace go through the C locale's tables, and std::chrono's calendar
// types check more than is needed here, which made this a visible part of
// extraction. The grammar is unchanged.
constexpr bool is_digit(char c) { return static_cast<unsigned char>(c - '0') < 10; }
constexpr bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!is_digit(s[i])) return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

constexpr bool is_leap(int year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// Days from 1970-01-01 to a proleptic Gregorian date (the civil calendar
// algorithm: years counted from March, so that the leap day comes last).
inline std::int64_t days_from_civil(int year, int month, int day) {
  const int y = year - (month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int year_of_era = y - era * 400;
  const int day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return static_cast<std::int64_t>(era) * 146097 + day_of_era - 719468;
}

// Whether the fields name a real date, and a real time of day (a leap
// second allowed).
bool valid_date(int year, int month, int day) {
  return month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
}
bool valid_time_of_day(int hour, int minute, int second) { return hour <= 23 && minute <= 59 && second <= 60; }

// Two ASCII digits at `p`, or -1.
inline int two_digits(const char* p) {
  const int tens = p[0] - '0', ones = p[1] - '0';
  return static_cast<unsigned>(tens) < 10 && static_cast<unsigned>(ones) < 10 ? tens * 10 + ones : -1;
}

// Days since the epoch of the "YYYY-MM-DD" at `date`, or nullopt. Nearly
// every time in a recording falls on the same day as the one read before
// it, so the last date read is remembered with its days.
std::optional<std::int64_t> plain_date_days(const char* date) {
  constexpr std::size_t kDateBytes = 10;
  struct LastDate {
    char text[kDateBytes] = {};
    std::int64_t days = 0;
  };
  thread_local LastDate last;
  if (std::memcmp(date, last.text, kDateBytes) == 0) return last.days;  // never matches before the first fill
  const int century = two_digits(&date[0]), year_in_century = two_digits(&date[2]), month = two_digits(&date[5]),
            day = two_digits(&date[8]);
  if ((century | year_in_century | month | day) < 0) return std::nullopt;
  const int year = century * 100 + year_in_century;
  // Go's zero time, and years whose nanoseconds overflow, take the general way.
  if (year < 1678 || year > 2261 || !valid_date(year, month, day)) return std::nullopt;
  std::memcpy(last.text, date, kDateBytes);
  last.days = days_from_civil(year, month, day);
  return last.days;
}

// "YYYY-MM-DDTHH:MM:SS[.fraction]Z", as Kubernetes writes its times (and
// Events' microsecond ones): read at fixed places. Anything else is nullopt
// here and goes the general way.
std::optional<TimeNs> parse_plain_utc(std::string_view s) {
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
      s.back() != 'Z') {
    return std::nullopt;
  }
  std::int64_t fraction_ns = 0;
  if (s.size() > 20) {
    // ".d" to ".ddddddddd": one to nine digits.
    if (s[19] != '.' || s.size() < 22 || s.size() > 30) return std::nullopt;
    std::int64_t scale = 100000000;
    for (std::size_t i = 20; i + 1 < s.size(); ++i, scale /= 10) {
      if (!is_digit(s[i])) return std::nullopt;
      fraction_ns += (s[i] - '0') * scale;
    }
  }
  const int hour = two_digits(&s[11]), minute = two_digits(&s[14]), second = two_digits(&s[17]);
  if ((hour | minute | second) < 0 || !valid_time_of_day(hour, minute, second)) return std::nullopt;
  const std::optional<std::int64_t> days = plain_date_days(s.data());
  if (!days) return std::nullopt;
  return (*days * 86400 + hour * 3600 + minute * 60 + second) * 1000000000LL + fraction_ns;
}

}  // namespace

std::optional<TimeNs> parse_time(std::string_view s) {
  if (auto plain = parse_plain_utc(s)) return plain;
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  int year, month, day, hour, minute, second;
  if (s.size() < 19 || !digits(s, 0, 4, year) || s[4] != '-' || !digits(s, 5, 2, month) || s[7] != '-' ||
      !digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, hour) ||
      s[13] != ':' || !digits(s, 14, 2, minute) || s[16] != ':' || !digits(s, 17, 2, second)) {
    return std::nullopt;
  }
  if (!valid_date(year, month, day) || !valid_time_of_day(hour, minute, second)) return std::nullopt;
  std::size_t pos = 19;
  std::int64_t fraction_ns = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::int64_t scale = 100000000;
    std::size_t start = pos;
    while (pos < s.size() && is_digit(s[pos])) {
      if (scale > 0) {
        fraction_ns += (s[pos] - '0') * scale;
        scale /= 10;
      }
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  std::int64_t offset_seconds = 0;
  std::string_view zone = s.substr(pos);
  while (!zone.empty() && zone.front() == ' ') zone.remove_prefix(1);
  if (zone == "Z" || zone == "z" || zone == "UTC" || zone == "+0000") {
    offset_seconds = 0;
  } else if (!zone.empty() && (zone[0] == '+' || zone[0] == '-')) {
    int oh, om;
    if (zone.size() == 6 && zone[3] == ':' && digits(zone, 1, 2, oh) && digits(zone, 4, 2, om)) {
    } else if (zone.size() == 5 && digits(zone, 1, 2, oh) && digits(zone, 3, 2, om)) {
    } else {
      return std::nullopt;
    }
    offset_seconds = (oh * 3600 + om * 60) * (zone[0] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  if (year <= 1) return std::nullopt;  // Go's zero time: "not set"
  std::int64_t days = days_from_civil(year, month, day);
  std::int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  // Nanoseconds in 64 bits cover 1677-2262; other years cannot be represented.
  if (secs < -9223372035LL || secs > 9223372035LL) return std::nullopt;
  return secs * 1000000000LL + fraction_ns;
}

std::string format_time(TimeNs t) {
  using namespace std::chrono;
  std::int64_t secs = t / 1000000000LL;
  std::int64_t nanos = t % 1000000000LL;
  if (nanos < 0) {
    nanos += 1000000000LL;
    secs -= 1;
  }
  std::int64_t days = secs / 86400;
  std::int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  year_month_day ymd{sys_days{std::chrono::days{days}}};
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld", static_cast<int>(ymd.year()),
                        static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                        static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                        static_cast<long long>(rem % 60));
  std::string out(buf, static_cast<std::size_t>(n));
  if (nanos != 0) {
    std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(nanos));
    std::string frac(buf);
    while (frac.back() == '0') frac.pop_back();
    out += frac;
  }
  out += 'Z';
  return out;
}

}  // namespace pipetrace
