// The JSONPatch (RFC 6902) that gives a task pod its trace context: per step
// container TRACEPARENT, OTEL_EXPORTER_OTLP_ENDPOINT and
// OTEL_RESOURCE_ATTRIBUTES, and Tekton's span-context annotations. Only adds:
// a variable or annotation already present is left as it is, so a second
// review of the patched pod yields an empty patch.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "admission/step_context.h"
#include "admission/task_pod.h"

namespace pipetrace::admission {

inline constexpr const char* kTaskRunSpanContextAnnotation = "tekton.dev/taskrunSpanContext";
inline constexpr const char* kPipelineRunSpanContextAnnotation = "tekton.dev/pipelinerunSpanContext";
// Set from the downward API when the pod has only a generateName, so that
// OTEL_RESOURCE_ATTRIBUTES can name the pod through $(...) expansion.
inline constexpr const char* kPodNameVariable = "PIPETRACE_POD_NAME";

struct PatchSettings {
  std::string otlp_endpoint;  // "" adds no OTEL_EXPORTER_OTLP_ENDPOINT
  std::vector<std::pair<std::string, std::string>> resource_attributes;  // extra, after the pod's own
};

// An empty array when there is nothing to add.
nlohmann::json build_pod_patch(const TaskPod& pod, const PodSpanContexts& contexts, const PatchSettings& settings);

// "k=v,k2=v2" with each value percent-encoded as OTEL_RESOURCE_ATTRIBUTES
// asks (W3C Baggage octets); "$(" is encoded too so Kubernetes never expands it.
std::string format_resource_attributes(const std::vector<std::pair<std::string, std::string>>& attributes);

}  // namespace pipetrace::admission
