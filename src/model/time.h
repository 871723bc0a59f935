// Parsing and formatting of the timestamps found in Kubernetes objects and
// webhook payloads.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/span.h"

namespace pipetrace {

// Accepts RFC 3339 with or without fractional seconds and with 'Z' or a
// numeric offset ("2020-09-20T11:28:55Z", "2023-01-02T03:04:05.123456+01:00"),
// a space instead of 'T', and GitLab's "2016-08-12 15:23:28 UTC".
// Returns nullopt for anything else, including Go's zero time
// ("0001-01-01T00:00:00Z"), which means "unset" in go-scm payloads.
std::optional<TimeNs> parse_time(std::string_view text);

// RFC 3339 in UTC with nanoseconds only when they are not zero.
std::string format_time(TimeNs t);

}  // namespace pipetrace
