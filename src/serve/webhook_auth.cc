// HMAC and token checks with OpenSSL; see webhook_auth.h.
#include "serve/webhook_auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <array>
#include <optional>

namespace pipetrace::serve {
namespace {

using Digest = std::array<unsigned char, 32>;

Digest hmac_sha256(std::string_view key, std::string_view body) {
  Digest out{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(body.data()),
       body.size(), out.data(), &length);
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<Digest> decode_digest(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  Digest out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = hex_value(hex[2 * i]);
    int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return out;
}

}  // namespace

std::string hmac_sha256_hex(std::string_view key, std::string_view body) {
  static constexpr char kDigits[] = "0123456789abcdef";
  Digest digest = hmac_sha256(key, body);
  std::string hex;
  hex.reserve(64);
  for (unsigned char b : digest) {
    hex += kDigits[b >> 4];
    hex += kDigits[b & 15];
  }
  return hex;
}

bool signature_matches(std::string_view header, std::string_view key, std::string_view body) {
  if (key.empty()) return false;
  constexpr std::string_view kPrefix = "sha256=";
  if (!header.starts_with(kPrefix)) return false;
  std::optional<Digest> given = decode_digest(header.substr(kPrefix.size()));
  if (!given) return false;
  Digest expected = hmac_sha256(key, body);
  return CRYPTO_memcmp(given->data(), expected.data(), expected.size()) == 0;
}

bool token_matches(std::string_view given, std::string_view expected) {
  if (expected.empty()) return false;
  Digest a{}, b{};
  SHA256(reinterpret_cast<const unsigned char*>(given.data()), given.size(), a.data());
  SHA256(reinterpret_cast<const unsigned char*>(expected.data()), expected.size(), b.data());
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace pipetrace::serve
