// Reads the --since/--until flags and the since/until query parameters: an
// RFC 3339 time, or an age relative to now ("2h" means two hours ago).
#pragma once

#include <optional>
#include <string_view>

#include "model/span.h"

namespace pipetrace {

std::optional<TimeNs> parse_time_bound(std::string_view text, TimeNs now);

}  // namespace pipetrace
