// Absolute or relative time bounds of queries (see time_bound.h).
#include "store/time_bound.h"

#include "model/time.h"
#include "store/store_options.h"

namespace pipetrace {

std::optional<TimeNs> parse_time_bound(std::string_view text, TimeNs now) {
  if (text.empty()) return std::nullopt;
  if (auto t = parse_time(text)) return t;
  if (auto age = parse_age(text)) return now - static_cast<TimeNs>(age->count()) * 1'000'000'000;
  return std::nullopt;
}

}  // namespace pipetrace
