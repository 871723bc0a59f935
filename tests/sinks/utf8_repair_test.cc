// is_valid_utf8 tells ASCII a word at a time and walks the rest: a byte
// outside ASCII is seen wherever it stands, in strings of every length
// around the word sizes.
#include "sinks/utf8_repair.h"

#include <gtest/gtest.h>

#include <string>

namespace pipetrace {
namespace {

TEST(Utf8Validation, SeesANonAsciiByteAtEveryPositionOfEveryShortLength) {
  for (std::size_t size = 0; size <= 20; ++size) {
    const std::string ascii(size, 'a');
    EXPECT_TRUE(is_valid_utf8(ascii)) << size;
    for (std::size_t pos = 0; pos < size; ++pos) {
      std::string invalid = ascii;
      invalid[pos] = '\xff';
      EXPECT_FALSE(is_valid_utf8(invalid)) << "0xff at " << pos << " of " << size;
      std::string truncated = ascii;
      truncated[pos] = '\xc3';  // a two-byte lead followed by ASCII
      EXPECT_FALSE(is_valid_utf8(truncated)) << "lone lead at " << pos << " of " << size;
      if (pos + 1 < size) {
        std::string valid = ascii;
        valid[pos] = '\xc3';
        valid[pos + 1] = '\xa9';  // é
        EXPECT_TRUE(is_valid_utf8(valid)) << "é at " << pos << " of " << size;
      }
    }
  }
}

TEST(Utf8Validation, RejectsOverlongsAndSurrogatesAndRepairsPerByte) {
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("ab\xed\xa0\x80" "cd"));  // UTF-16 surrogate
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x98\x80"));   // U+1F600
  EXPECT_EQ(replace_invalid_utf8("a\xffz"), "a\xEF\xBF\xBDz");
}

}  // namespace
}  // namespace pipetrace
