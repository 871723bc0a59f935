// The OTLP instrumentation scope under which every exporter reports
// pipetrace's spans: the scope name from the span model and the version of
// this build.
#pragma once

#include <string>

#include "model/span.h"

namespace pipetrace {

// The version string of this build (CMake's project version).
const char* pipetrace_version();

struct InstrumentationScope {
  std::string name = kScopeName;
  std::string version = pipetrace_version();
};

}  // namespace pipetrace
