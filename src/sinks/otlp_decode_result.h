// What the OTLP decoders return: the spans read, or why the input was refused.
#pragma once

#include <string>
#include <vector>

#include "model/span.h"

namespace pipetrace {

struct OtlpDecodeResult {
  std::vector<SpanBatch> batches;  // one per ResourceSpans, in input order
  // Empty on success; otherwise names the offending field and value, e.g.
  // `resourceSpans[0].scopeSpans[0].spans[2].spanId: "12" is not 16 hex digits`.
  std::string error;
  bool ok() const { return error.empty(); }
};

}  // namespace pipetrace
