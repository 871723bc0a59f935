// The admission webhook's window on the live tracer: where a TaskRun or
// PipelineRun was placed, if the tracer already knows. Kept an interface so
// that src/admission does not depend on how serve runs its tracer thread.
#pragma once

#include <chrono>
#include <optional>

#include "link/resource_key.h"
#include "link/tracer.h"

namespace pipetrace::admission {

class TraceLookup {
 public:
  virtual ~TraceLookup() = default;
  // nullopt when the resource is unknown, not yet placed, or the tracer was
  // busy past `deadline`.
  virtual std::optional<Tracer::Placement> resolved(const ResourceKey& key,
                                                    std::chrono::steady_clock::time_point deadline) = 0;
};

}  // namespace pipetrace::admission
