// Lookups over a parsed webhook body (simdjson DOM): webhook payloads are
// small, rare and read in no fixed order, so random access beats on-demand.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "model/span.h"

namespace pipetrace::webhook_fields {

using Element = simdjson::dom::element;

// The value at a path of object keys; nullopt when any step is absent, null
// or not an object. Keys match exactly first, then ignoring case, because
// Go's JSON decoder (and so go-scm's consumers) accepts "Guid" for "GUID".
std::optional<Element> at(Element root, std::initializer_list<std::string_view> path);

// True when the path leads to a present, non-null value.
bool has(Element root, std::initializer_list<std::string_view> path);

// A string as written, an integer or boolean in its JSON spelling; "" when
// absent, null, or an object/array.
std::string text(Element root, std::initializer_list<std::string_view> path);

// A boolean (true / "true"); false when absent or anything else.
bool flag(Element root, std::initializer_list<std::string_view> path);

// A timestamp parsed with parse_time (RFC 3339, GitLab's "... UTC"); 0 when
// absent, unparsable or Go's zero time.
TimeNs time(Element root, std::initializer_list<std::string_view> path);

// The first element of an array at path, when there is one.
std::optional<Element> first(Element root, std::initializer_list<std::string_view> path);

// The last element of an array at path, when there is one.
std::optional<Element> last(Element root, std::initializer_list<std::string_view> path);

// ASCII lower case (event names and header values).
std::string lower(std::string_view s);

// A full 40-digit lowercase hex commit id (not a branch name).
bool is_full_sha(std::string_view s);

}  // namespace pipetrace::webhook_fields
