// UTF-8 checks shared by the OTLP encoders: span names and attributes come
// from Kubernetes objects and webhooks we do not control, while OTLP/JSON and
// proto3 string fields must carry valid UTF-8 (receivers reject the rest).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pipetrace {

// Length of the well-formed UTF-8 sequence that starts at text[pos] (1 to 4),
// or 0 when no well-formed sequence starts there (Unicode 15, table 3-7:
// no overlongs, no surrogates, nothing above U+10FFFF, no truncation).
std::size_t utf8_sequence_length(std::string_view text, std::size_t pos);

bool is_valid_utf8(std::string_view text);

// Replaces every byte that does not belong to a well-formed sequence with
// U+FFFD, one replacement per byte (as Go's decoders do, so that our output
// matches what a Go collector would write for the same input).
std::string replace_invalid_utf8(std::string_view text);

}  // namespace pipetrace
