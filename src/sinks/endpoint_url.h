// Splits an exporter endpoint ("https://collector:4318/v1/traces",
// "collector.observability:4317", "http://[::1]:4317") into the parts the
// exporters and the plain-text rule need, using libcurl's URL parser.
#pragma once

#include <string>
#include <string_view>

namespace pipetrace {

struct EndpointUrl {
  std::string scheme;  // "http" or "https"; empty when the text had none (gRPC host:port)
  std::string host;    // lower case, without IPv6 brackets
  std::string port;    // empty when not given
  std::string path;    // "/" when not given
  std::string error;   // empty when the text parsed

  bool ok() const { return error.empty(); }
  bool has_explicit_path() const { return path != "/"; }
  // host:port with IPv6 brackets restored, or host alone: a gRPC target.
  std::string authority() const;
};

// Accepts http:// and https:// URLs, and scheme-less host[:port][/path].
EndpointUrl parse_endpoint_url(std::string_view text);

}  // namespace pipetrace
