// Reads one OTLP/JSON TracesData or ExportTraceServiceRequest (for example a
// line of a file written by the Collector's file exporter or by our JSONL
// sink) back into span batches.
#pragma once

#include <string_view>

#include "sinks/otlp_decode_result.h"

namespace pipetrace {

// Lenient in what it accepts, as the OTLP/JSON spec asks of receivers:
// camelCase or proto (snake_case) field names; hex IDs in either case (and,
// failing that, base64 IDs as protobuf's generic JSON printer writes them);
// 64-bit integers and times as strings or numbers; kind and status code as
// integers or enum names; null fields as absent; unknown fields ignored;
// invalid UTF-8 replaced. All ScopeSpans of a ResourceSpans go into one
// batch; array, key-value list and bytes values become strings (see
// otlp_any_value.h). Malformed IDs, numbers or structure are an error naming
// the field.
OtlpDecodeResult decode_otlp_json(std::string_view json);

}  // namespace pipetrace
