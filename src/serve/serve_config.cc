// See serve_config.h.
#include "serve/serve_config.h"

#include <charconv>

namespace pipetrace::serve {

std::string parse_listen_address(const std::string& text, ListenAddress& out) {
  std::size_t colon = text.rfind(':');
  if (colon == std::string::npos) return "'" + text + "' is not HOST:PORT or :PORT";
  std::string host = text.substr(0, colon);
  std::string port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  int port = -1;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 0 || port > 65535) {
    return "'" + text + "' has no valid port (0-65535)";
  }
  out.host = host;
  out.port = port;
  return "";
}

}  // namespace pipetrace::serve
