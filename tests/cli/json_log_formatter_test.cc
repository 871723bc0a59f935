// `--log-format json` writes one valid JSON object per line, whatever the
// message holds.
#include "cli/json_log_formatter.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

namespace pipetrace {
namespace {

TEST(JsonLogFormatter, EscapesQuotesBackslashesAndControlCharacters) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  spdlog::logger logger("json-test", sink);
  logger.set_formatter(make_json_log_formatter());
  const std::string message = "object \"jx/run-1\" failed:\n\tpath C:\\tmp \x01 end";
  logger.warn(message);
  logger.flush();
  std::string line = out.str();
  ASSERT_FALSE(line.empty());
  ASSERT_EQ(line.back(), '\n');
  line.pop_back();
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["msg"], message);
  EXPECT_EQ(parsed["level"], "warning");
  EXPECT_TRUE(parsed["time"].get<std::string>().ends_with("Z"));
}

}  // namespace
}  // namespace pipetrace
