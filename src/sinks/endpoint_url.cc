// Endpoint parsing through libcurl's URL API, so that what we check (host,
// scheme) is exactly what libcurl will later connect to.
#include "sinks/endpoint_url.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include <curl/curl.h>

namespace pipetrace {

namespace {

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

std::string get_part(CURLU* url, CURLUPart part) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, 0) != CURLUE_OK || value == nullptr) return {};
  std::string out(value);
  curl_free(value);
  return out;
}

}  // namespace

std::string EndpointUrl::authority() const {
  const std::string bracketed = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return port.empty() ? bracketed : bracketed + ":" + port;
}

EndpointUrl parse_endpoint_url(std::string_view text) {
  EndpointUrl out;
  if (text.empty()) {
    out.error = "the endpoint is empty";
    return out;
  }
  std::string full(text);
  const auto separator = full.find("://");
  if (separator == std::string::npos) {
    full = "http://" + full;  // host:port, as gRPC endpoints are usually written
  } else {
    std::string scheme = full.substr(0, separator);
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
    if (scheme != "http" && scheme != "https") {
      out.error = "the scheme '" + scheme + "' is not supported; use http:// or https://";
      return out;
    }
    out.scheme = scheme;
  }
  std::unique_ptr<CURLU, UrlDeleter> url(curl_url());
  if (const CURLUcode rc = curl_url_set(url.get(), CURLUPART_URL, full.c_str(), 0); rc != CURLUE_OK) {
    out.error = std::string("it is not a valid URL (") + curl_url_strerror(rc) + ")";
    return out;
  }
  out.host = get_part(url.get(), CURLUPART_HOST);
  if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
    if (const auto zone = out.host.find('%'); zone != std::string::npos) out.host.resize(zone);
  }
  std::transform(out.host.begin(), out.host.end(), out.host.begin(), [](unsigned char c) { return std::tolower(c); });
  if (out.host.empty()) {
    out.error = "it names no host";
    return out;
  }
  out.port = get_part(url.get(), CURLUPART_PORT);
  out.path = get_part(url.get(), CURLUPART_PATH);
  if (out.path.empty()) out.path = "/";
  return out;
}

}  // namespace pipetrace
