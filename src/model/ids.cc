// SHA-256 based ID derivation and W3C traceparent formatting.
#include "model/ids.h"

#include <openssl/evp.h>

#include <cstring>
#include <stdexcept>

namespace pipetrace {
namespace {

std::array<std::uint8_t, 32> sha256_fields(std::string_view domain,
                                           std::initializer_list<std::string_view> fields) {
  std::array<std::uint8_t, 32> digest{};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) throw std::bad_alloc();
  static constexpr std::uint8_t kSeparator = 0;
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, domain.data(), domain.size());
  for (std::string_view f : fields) {
    EVP_DigestUpdate(ctx, &kSeparator, 1);
    EVP_DigestUpdate(ctx, f.data(), f.size());
  }
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, digest.data(), &len);
  EVP_MD_CTX_free(ctx);
  return digest;
}

}  // namespace

TraceId derive_trace_id(std::initializer_list<std::string_view> fields) {
  auto digest = sha256_fields(kTraceDomain, fields);
  TraceId id;
  std::memcpy(id.bytes.data(), digest.data(), id.bytes.size());
  return id;
}

SpanId derive_span_id(std::initializer_list<std::string_view> fields) {
  auto digest = sha256_fields(kSpanDomain, fields);
  SpanId id;
  std::memcpy(id.bytes.data(), digest.data(), id.bytes.size());
  return id;
}

std::string format_traceparent(const TraceId& trace, const SpanId& span, bool sampled) {
  return "00-" + trace.hex() + "-" + span.hex() + (sampled ? "-01" : "-00");
}

bool parse_traceparent(std::string_view header, TraceId& trace, SpanId& span) {
  // version(2) '-' trace(32) '-' span(16) '-' flags(2)
  while (!header.empty() && (header.front() == ' ' || header.front() == '\t')) header.remove_prefix(1);
  while (!header.empty() && (header.back() == ' ' || header.back() == '\t')) header.remove_suffix(1);
  if (header.size() < 55 || header[2] != '-' || header[35] != '-' || header[52] != '-') return false;
  std::string_view version = header.substr(0, 2);
  if (version == "ff") return false;
  if (version == "00" && header.size() != 55) return false;
  if (header.size() > 55 && header[55] != '-') return false;
  TraceId t;
  SpanId s;
  if (!parse_hex(header.substr(3, 32), t) || !parse_hex(header.substr(36, 16), s)) return false;
  if (t.empty() || s.empty()) return false;
  for (char c : header.substr(53, 2)) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  trace = t;
  span = s;
  return true;
}

}  // namespace pipetrace
