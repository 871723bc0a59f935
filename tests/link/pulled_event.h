// A kubelet "Pulled" Event about one build pod, for the tests of how the
// tracer holds Events.
#pragma once

#include <string>

#include "extract/records.h"

namespace pipetrace::testing {

inline const std::string kBuildPod = "build-pod-x7k2p";

inline EventRecord pulled_event(std::string name, std::string rv, TimeNs first, TimeNs last, int count) {
  EventRecord e;
  e.meta.ns = "jx";
  e.meta.name = std::move(name);
  e.meta.resource_version = std::move(rv);
  e.involved.kind = "Pod";
  e.involved.name = kBuildPod;
  e.involved.field_path = "spec.containers{step-build}";
  e.reason = "Pulled";
  e.message = "Successfully pulled image \"alpine:3\" in 1s";
  e.type = "Normal";
  e.reporting_component = "kubelet";
  e.first = first;
  e.last = last;
  e.count = count;
  return e;
}

}  // namespace pipetrace::testing
