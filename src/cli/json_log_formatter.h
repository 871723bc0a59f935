// The `--log-format json` message field: spdlog's %v is written as is, so a
// message holding a quote or a newline would break the JSON line. This flag
// (%*) writes the message as an escaped JSON string body instead.
#pragma once

#include <spdlog/pattern_formatter.h>

#include <memory>

namespace pipetrace {

class JsonEscapedMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonEscapedMessageFlag>();
  }
};

// A formatter writing one JSON object per log line: time, level, msg.
std::unique_ptr<spdlog::formatter> make_json_log_formatter();

}  // namespace pipetrace
