// Deterministic trace and span IDs (see docs/ids.md): SHA-256 over a domain tag
// and NUL-separated identity fields, truncated. A restart, a replay or a second
// replica computes the same IDs, so backends de-duplicate re-sent spans.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "model/span.h"

namespace pipetrace {

// Domain tags keep trace IDs and span IDs from colliding even when their
// identity fields are equal.
inline constexpr std::string_view kTraceDomain = "pipetrace/trace/v1";
inline constexpr std::string_view kSpanDomain = "pipetrace/span/v1";

// SHA-256(domain || 0x00 || f1 || 0x00 || f2 ...), first 16 bytes.
TraceId derive_trace_id(std::initializer_list<std::string_view> fields);
// SHA-256(domain || 0x00 || f1 || 0x00 || f2 ...), first 8 bytes.
SpanId derive_span_id(std::initializer_list<std::string_view> fields);

// W3C traceparent: "00-<trace>-<span>-<flags>".
std::string format_traceparent(const TraceId& trace, const SpanId& span, bool sampled = true);
// Accepts version 00 (and, as the W3C spec asks, later versions with the same
// prefix layout); rejects all-zero IDs.
bool parse_traceparent(std::string_view header, TraceId& trace, SpanId& span);

}  // namespace pipetrace
