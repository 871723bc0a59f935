// JSON text primitives for the OTLP/JSON writer, spelled the way the
// OpenTelemetry Collector's Go encoder spells them, so that our lines are
// byte-for-byte what its file exporter would write for the same spans.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pipetrace {

// A quoted JSON string. Escapes as Go's encoding/json does: \" \\ \n \r \t
// \b \f, other control bytes as \u00XX, and <, >, &, U+2028, U+2029 as \uXXXX;
// each byte that is not part of well-formed UTF-8 becomes \ufffd, so the
// output is valid JSON whatever the input.
void append_json_string(std::string& out, std::string_view text);

// Shortest text that reads back to the same double: plain decimal for
// magnitudes in [1e-6, 1e21), exponent form otherwise ("1e+21", "1e-7").
// NaN and the infinities, which JSON numbers cannot express, are written as
// the strings "NaN", "Infinity" and "-Infinity" (the protobuf JSON mapping).
void append_json_double(std::string& out, double value);

void append_decimal(std::string& out, std::int64_t value);
void append_decimal(std::string& out, std::uint64_t value);

}  // namespace pipetrace
