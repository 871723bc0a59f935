// The interface every sink implements: it receives finished spans grouped
// with their resource.
#pragma once

#include "model/span.h"

namespace pipetrace {

class SpanSink {
 public:
  virtual ~SpanSink() = default;
  // Called with spans that are complete (or, for in-progress snapshots,
  // replaced later by a span with the same IDs).
  virtual void consume(const SpanBatch& batch) = 0;
  // Writes out anything buffered; called before shutdown and at end of replay.
  virtual void flush() {}
};

}  // namespace pipetrace
