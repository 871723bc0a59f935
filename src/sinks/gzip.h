// gzip bodies for OTLP requests (Content-Encoding: gzip) through zlib, and
// the reverse for test receivers and anything that reads such a body.
#pragma once

#include <string>
#include <string_view>

namespace pipetrace {

// A complete gzip member (RFC 1952) holding `data`.
std::string gzip_compress(std::string_view data);

// Inflates a gzip stream into `out`; returns "" or what was wrong with it.
// Stops with an error once `max_bytes` would be exceeded (a zip bomb guard).
std::string gzip_decompress(std::string_view data, std::string& out, std::size_t max_bytes = 64u << 20);

}  // namespace pipetrace
