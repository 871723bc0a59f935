// zlib's deflate/inflate with the gzip wrapper (window bits + 16).
#include "sinks/gzip.h"

#include <stdexcept>

#include <zlib.h>

namespace pipetrace {

namespace {
constexpr int kGzipWindowBits = 15 + 16;
}

std::string gzip_compress(std::string_view data) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("zlib could not start a gzip stream");  // only when out of memory
  }
  std::string out;
  out.resize(deflateBound(&stream, static_cast<uLong>(data.size())) + 32);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (rc != Z_STREAM_END) throw std::runtime_error("zlib could not finish a gzip stream");
  return out;
}

std::string gzip_decompress(std::string_view data, std::string& out, std::size_t max_bytes) {
  out.clear();
  z_stream stream{};
  if (inflateInit2(&stream, kGzipWindowBits) != Z_OK) return "zlib could not start inflating";
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  char buffer[16384];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      const std::string why = stream.msg != nullptr ? stream.msg : "truncated or not gzip";
      inflateEnd(&stream);
      return "the gzip body is invalid: " + why;
    }
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&stream);
      return "the gzip body inflates to more than " + std::to_string(max_bytes) + " bytes";
    }
    if (rc == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) {
      inflateEnd(&stream);
      return "the gzip body is truncated";
    }
  }
  inflateEnd(&stream);
  return {};
}

}  // namespace pipetrace
