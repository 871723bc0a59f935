// The tracer's varints: size_of agrees with what put writes and get reads
// back, at every seven-bit boundary of 64- and 128-bit values.
#include "link/varint.h"

#include <gtest/gtest.h>

#include <string>

namespace pipetrace::varint {
namespace {

template <typename Unsigned>
void expect_consistent(Unsigned v) {
  std::string out;
  put(out, v);
  EXPECT_EQ(out.size(), size_of(v));
  const auto* at = reinterpret_cast<const std::uint8_t*>(out.data());
  EXPECT_TRUE(get<Unsigned>(at) == v);
  EXPECT_EQ(at, reinterpret_cast<const std::uint8_t*>(out.data() + out.size()));
}

TEST(Varint, SizeMatchesWhatIsWrittenAtEveryBoundary) {
  for (int bits = 0; bits <= 64; ++bits) {
    const std::uint64_t top = bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
    expect_consistent(top);
    if (bits < 64) expect_consistent(top + 1);
  }
  for (int bits = 0; bits <= 128; ++bits) {
    const Wide top = bits == 128 ? ~Wide{0} : (Wide{1} << bits) - 1;
    expect_consistent(top);
    if (bits < 128) expect_consistent(top + 1);
  }
  EXPECT_EQ(size_of(std::uint64_t{0}), 1u);
  EXPECT_EQ(size_of(Wide{0}), 1u);
  EXPECT_EQ(size_of(~std::uint64_t{0}), 10u);
  EXPECT_EQ(size_of(~Wide{0}), 19u);
}

TEST(Varint, ZigzagRoundTrips) {
  for (std::int64_t v : {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, std::int64_t{63}, std::int64_t{-64},
                         INT64_MAX, INT64_MIN}) {
    EXPECT_EQ(unzigzag(zigzag(v)), v);
  }
  EXPECT_EQ(zigzag(-1), 1u);
  EXPECT_EQ(zigzag(1), 2u);
}

}  // namespace
}  // namespace pipetrace::varint
