// JSON-escaping of log messages for `--log-format json`.
#include "cli/json_log_formatter.h"

#include <cstdio>

namespace pipetrace {

void JsonEscapedMessageFlag::format(const spdlog::details::log_msg& msg, const std::tm&,
                                    spdlog::memory_buf_t& dest) {
  for (char c : msg.payload) {
    switch (c) {
      case '"': dest.append(std::string_view("\\\"")); break;
      case '\\': dest.append(std::string_view("\\\\")); break;
      case '\n': dest.append(std::string_view("\\n")); break;
      case '\r': dest.append(std::string_view("\\r")); break;
      case '\t': dest.append(std::string_view("\\t")); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
          dest.append(std::string_view(buf));
        } else {
          dest.push_back(c);
        }
    }
  }
}

std::unique_ptr<spdlog::formatter> make_json_log_formatter() {
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<JsonEscapedMessageFlag>('*').set_pattern(
      R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","msg":"%*"})");
  return formatter;
}

}  // namespace pipetrace
