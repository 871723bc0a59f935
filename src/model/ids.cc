// SHA-256 based ID derivation and W3C traceparent formatting.
#include "model/ids.h"

#include <openssl/evp.h>

#include <cstring>
#include <string>
#include <stdexcept>

namespace pipetrace {
namespace {

// OpenSSL 3 looks an algorithm up on every EVP_sha256() init and allocates
// a context per EVP_MD_CTX_new(); done once per ID, that costs several times
// the hash itself. So the algorithm is fetched once per process, and each
// thread keeps one context and one buffer for the message.
const EVP_MD* sha256_algorithm() {
  static const EVP_MD* md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched != nullptr ? fetched : EVP_sha256();
  }();
  return md;
}

struct DigestContext {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::string message;
  DigestContext() {
    if (ctx == nullptr) throw std::bad_alloc();
  }
  ~DigestContext() { EVP_MD_CTX_free(ctx); }
  DigestContext(const DigestContext&) = delete;
  DigestContext& operator=(const DigestContext&) = delete;
};

std::array<std::uint8_t, 32> sha256_fields(std::string_view domain,
                                           std::initializer_list<std::string_view> fields) {
  thread_local DigestContext context;
  std::string& message = context.message;
  message.assign(domain);
  for (std::string_view f : fields) {
    message += '\0';  // the separator: field boundaries are part of the identity
    message.append(f);
  }
  std::array<std::uint8_t, 32> digest{};
  unsigned int len = 0;
  if (EVP_DigestInit_ex(context.ctx, sha256_algorithm(), nullptr) != 1 ||
      EVP_DigestUpdate(context.ctx, message.data(), message.size()) != 1 ||
      EVP_DigestFinal_ex(context.ctx, digest.data(), &len) != 1) {
    throw std::runtime_error("SHA-256 failed in OpenSSL");
  }
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
