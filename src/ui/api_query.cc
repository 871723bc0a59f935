// Query parameters of the trace list (see api_query.h).
#include "ui/api_query.h"

#include <charconv>

#include <fmt/format.h>

#include "store/time_bound.h"

namespace pipetrace {
namespace {

std::string param(const QueryParams& params, const std::string& key) {
  auto it = params.find(key);
  return it == params.end() ? std::string() : it->second;
}

bool parse_int(const std::string& text, int& out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

StoreResult<TraceFilter> parse_trace_filter(const QueryParams& params, TimeNs now, int max_limit) {
  using Result = StoreResult<TraceFilter>;
  TraceFilter f;
  f.repository = param(params, "repository");
  f.pipeline = param(params, "pipeline");
  f.result = param(params, "result");
  f.change_id = param(params, "pr");
  f.commit = param(params, "commit");
  f.text = param(params, "q");
  for (const char* key : {"since", "until"}) {
    const std::string text = param(params, key);
    if (text.empty()) continue;
    auto bound = parse_time_bound(text, now);
    if (!bound) {
      return Result::failure(fmt::format("{}={}: expected an RFC 3339 time or an age such as 24h", key, text));
    }
    (std::string_view(key) == "since" ? f.since : f.until) = *bound;
  }
  if (std::string text = param(params, "limit"); !text.empty()) {
    if (!parse_int(text, f.limit) || f.limit < 1 || f.limit > max_limit) {
      return Result::failure(fmt::format("limit={}: expected a number from 1 to {}", text, max_limit));
    }
  }
  if (std::string text = param(params, "offset"); !text.empty()) {
    if (!parse_int(text, f.offset) || f.offset < 0) {
      return Result::failure(fmt::format("offset={}: expected a number from 0", text));
    }
  }
  return f;
}

}  // namespace pipetrace
