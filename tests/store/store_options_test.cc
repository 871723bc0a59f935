// The store's option parsing and validation, and the since/until bounds.
#include "store/store_options.h"

#include <gtest/gtest.h>

#include "model/time.h"
#include "store/time_bound.h"

namespace pipetrace {
namespace {

TEST(StoreOptions, ParsesAgesAndSizes) {
  EXPECT_EQ(parse_age("90"), std::chrono::seconds(90));
  EXPECT_EQ(parse_age("15m"), std::chrono::minutes(15));
  EXPECT_EQ(parse_age("7d"), std::chrono::hours(7 * 24));
  EXPECT_EQ(parse_age("2w"), std::chrono::hours(14 * 24));
  EXPECT_FALSE(parse_age("7 days"));
  EXPECT_FALSE(parse_age("-1h"));
  EXPECT_FALSE(parse_age(""));

  EXPECT_EQ(parse_byte_size("64MiB"), 64 * 1024 * 1024);
  EXPECT_EQ(parse_byte_size("1GiB"), std::int64_t{1} << 30);
  EXPECT_EQ(parse_byte_size("10MB"), 10'000'000);
  EXPECT_EQ(parse_byte_size("4096"), 4096);
  EXPECT_FALSE(parse_byte_size("lots"));
  EXPECT_FALSE(parse_byte_size("5TiB"));
}

TEST(StoreOptions, ValidationNamesTheBadOption) {
  StoreOptions options;
  EXPECT_NE(options.validate().find("--data-dir"), std::string::npos);
  options.data_dir = "/tmp/x";
  EXPECT_EQ(options.validate(), "");
  options.max_bytes = 1000;
  EXPECT_NE(options.validate().find("too small"), std::string::npos);
  options.max_bytes = 0;  // unbounded
  EXPECT_EQ(options.validate(), "");
}

TEST(TimeBound, AcceptsRfc3339AndAgesRelativeToNow) {
  const TimeNs now = *parse_time("2024-05-06T09:00:00Z");
  EXPECT_EQ(parse_time_bound("2024-05-06T07:00:00Z", now), *parse_time("2024-05-06T07:00:00Z"));
  EXPECT_EQ(parse_time_bound("2h", now), *parse_time("2024-05-06T07:00:00Z"));
  EXPECT_FALSE(parse_time_bound("yesterday", now));
  EXPECT_FALSE(parse_time_bound("", now));
}

}  // namespace
}  // namespace pipetrace
