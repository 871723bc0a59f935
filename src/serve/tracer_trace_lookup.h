// The admission webhook's TraceLookup over the live tracer: each question is
// answered by the tracer worker's Tracer between two events, under the
// worker's lock, within the webhook's deadline.
#pragma once

#include "admission/trace_lookup.h"
#include "serve/tracer_worker.h"

namespace pipetrace::serve {

class TracerTraceLookup final : public admission::TraceLookup {
 public:
  explicit TracerTraceLookup(TracerWorker& worker) : worker_(worker) {}
  std::optional<Tracer::Placement> resolved(const ResourceKey& key,
                                            std::chrono::steady_clock::time_point deadline) override {
    return worker_.resolved_placement(key, deadline);
  }

 private:
  TracerWorker& worker_;
};

}  // namespace pipetrace::serve
