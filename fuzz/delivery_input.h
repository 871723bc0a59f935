// How the webhook fuzz targets read their input: HTTP-style header lines
// ("Name: value"), a blank line, then the body; without a blank line the
// whole input is the body. The seed builder writes fixtures in this form.
#pragma once

#include <string>
#include <string_view>

#include "extract/records.h"

namespace pipetrace::fuzz {

// The secret of every webhook endpoint in fuzz_webhook_signature; the seed
// builder signs its seeds with it so that they get past authentication.
inline constexpr std::string_view kWebhookSecret = "fuzz-shared-secret";

struct Delivery {
  KeyValues headers;
  std::string_view body;
};

inline Delivery split_delivery(std::string_view input) {
  Delivery delivery{{}, input};
  std::size_t split = input.find("\n\n");
  if (split == std::string_view::npos) return delivery;
  delivery.body = input.substr(split + 2);
  std::string_view block = input.substr(0, split);
  while (!block.empty()) {
    std::size_t end = block.find('\n');
    std::string_view line = block.substr(0, end);
    block = end == std::string_view::npos ? std::string_view{} : block.substr(end + 1);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    delivery.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return delivery;
}

}  // namespace pipetrace::fuzz
