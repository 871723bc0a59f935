// Base64: OTLP bytes values, IDs written by protobuf's own JSON printer
// (which the OTLP/JSON decoder tolerates), and admission JSON patches.
#pragma once

#include <string>
#include <string_view>

namespace pipetrace {

// Standard base64 with padding (RFC 4648 section 4).
std::string base64_encode(std::string_view bytes);
// Accepts the standard and URL-safe alphabets, with or without padding;
// returns false on any other character or an impossible length.
bool base64_decode(std::string_view text, std::string& out);

}  // namespace pipetrace
