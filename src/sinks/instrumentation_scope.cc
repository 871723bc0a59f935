// Carries the build's version into the OTLP scope; PIPETRACE_VERSION is set
// by src/CMakeLists.txt from the CMake project version.
#include "sinks/instrumentation_scope.h"

#ifndef PIPETRACE_VERSION
#error "PIPETRACE_VERSION must be defined by the build (see src/CMakeLists.txt)"
#endif

namespace pipetrace {

const char* pipetrace_version() { return PIPETRACE_VERSION; }

}  // namespace pipetrace
