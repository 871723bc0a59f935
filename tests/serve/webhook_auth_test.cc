// The webhook authentication checks against known HMAC values.
#include "serve/webhook_auth.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

namespace pipetrace::serve {
namespace {

// RFC 4231, test case 2.
constexpr const char* kRfcKey = "Jefe";
constexpr const char* kRfcData = "what do ya want for nothing?";
constexpr const char* kRfcHmac = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

TEST(WebhookAuth, HmacMatchesTheRfcVector) { EXPECT_EQ(hmac_sha256_hex(kRfcKey, kRfcData), kRfcHmac); }

TEST(WebhookAuth, SignatureHeaderIsCheckedAgainstTheBody) {
  std::string header = std::string("sha256=") + kRfcHmac;
  EXPECT_TRUE(signature_matches(header, kRfcKey, kRfcData));
  std::string upper = header;
  std::transform(upper.begin() + 7, upper.end(), upper.begin() + 7, [](unsigned char c) { return std::toupper(c); });
  EXPECT_TRUE(signature_matches(upper, kRfcKey, kRfcData));
  EXPECT_FALSE(signature_matches(header, kRfcKey, std::string(kRfcData) + " "));  // body changed
  EXPECT_FALSE(signature_matches(header, "jefe", kRfcData));                     // other key
  EXPECT_FALSE(signature_matches(kRfcHmac, kRfcKey, kRfcData));                  // no "sha256="
  EXPECT_FALSE(signature_matches("sha1=" + std::string(kRfcHmac), kRfcKey, kRfcData));
  EXPECT_FALSE(signature_matches(header.substr(0, header.size() - 2), kRfcKey, kRfcData));  // short
  EXPECT_FALSE(signature_matches("", kRfcKey, kRfcData));
  EXPECT_FALSE(signature_matches(header, "", kRfcData));  // no key configured: never accepted
}

TEST(WebhookAuth, TokensCompareWholly) {
  EXPECT_TRUE(token_matches("s3cret-token", "s3cret-token"));
  EXPECT_FALSE(token_matches("s3cret-toke", "s3cret-token"));
  EXPECT_FALSE(token_matches("s3cret-token ", "s3cret-token"));
  EXPECT_FALSE(token_matches("", ""));
}

}  // namespace
}  // namespace pipetrace::serve
