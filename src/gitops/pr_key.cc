// See pr_key.h.
#include "gitops/pr_key.h"

#include <cctype>

#include "model/ids.h"

namespace pipetrace::gitops {

std::string PrKey::text() const { return provider + ":" + repo + (provider == "gitlab" ? "!" : "#") + number; }

PrKey make_pr_key(std::string provider, std::string_view repo, std::string number) {
  std::string folded(repo);
  for (char& c : folded) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return PrKey{std::move(provider), std::move(folded), std::move(number)};
}

bool parse_pr_key(std::string_view text, PrKey& out) {
  auto colon = text.find(':');
  auto mark = text.find_last_of("#!");
  if (colon == std::string_view::npos || mark == std::string_view::npos || mark < colon) return false;
  PrKey key{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1, mark - colon - 1)),
            std::string(text.substr(mark + 1))};
  if (key.empty() || key.number.find_first_not_of("0123456789") != std::string::npos) return false;
  out = std::move(key);
  return true;
}

TraceId pr_trace_id(const PrKey& key) { return derive_trace_id({"gitops-pr", key.provider, key.repo, key.number}); }

SpanId pr_span_id(const PrKey& key) { return derive_span_id({"gitops-pr", key.provider, key.repo, key.number}); }

SpanId release_span_id(const PrKey& key, const std::string& push_guid) {
  return derive_span_id({"gitops-release", key.provider, key.repo, key.number, push_guid});
}

}  // namespace pipetrace::gitops
