// Fuzz target: one webhook delivery (delivery_input.h: headers, blank line,
// body) through extract_webhook, read as each of the forms serve accepts
// (Lighthouse's go-scm relay, GitHub, GitLab) and as a delivery of unknown
// origin, as replay reads webhook lines.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "delivery_input.h"
#include "extract/webhook_extractor.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pipetrace::fuzz::Delivery delivery =
      pipetrace::fuzz::split_delivery(std::string_view(reinterpret_cast<const char*>(data), size));
  for (std::string_view source : {"", "lighthouse", "github", "gitlab"}) {
    pipetrace::extract_webhook(source, delivery.headers, delivery.body);
  }
  return 0;
}
