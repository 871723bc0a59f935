// Builds a task pod's JSONPatch (see pod_patch.h).
#include "admission/pod_patch.h"

#include <fmt/format.h>

#include "model/ids.h"

namespace pipetrace::admission {
namespace {

// RFC 6901: "~" -> "~0", "/" -> "~1" inside one reference token.
std::string pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

bool plain_octet(unsigned char c) {
  // Baggage value octets, minus '%' (the escape) and '$' (Kubernetes' $(VAR) expansion).
  return c >= 0x21 && c <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\' && c != '%' && c != '$' &&
         c != '=';
}

std::string percent_encode(const std::string& value) {
  std::string out;
  for (unsigned char c : value) {
    if (plain_octet(c)) out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

nlohmann::json env_value(const std::string& name, const std::string& value) {
  return {{"name", name}, {"value", value}};
}

std::vector<std::pair<std::string, std::string>> pod_attributes(const TaskPod& pod, const StepContainer& step) {
  std::vector<std::pair<std::string, std::string>> attrs = {
      {"k8s.namespace.name", pod.ns},
      {"k8s.container.name", step.container},
      {"cicd.pipeline.task.name", pod.task_name},
      {"cicd.pipeline.task.run.id", pod.task_run},
  };
  if (!pod.pipeline_run.empty()) attrs.emplace_back("cicd.pipeline.run.id", pod.pipeline_run);
  return attrs;
}

}  // namespace

std::string format_resource_attributes(const std::vector<std::pair<std::string, std::string>>& attributes) {
  std::string out;
  for (const auto& [key, value] : attributes) {
    if (key.empty()) continue;
    if (!out.empty()) out += ',';
    out += percent_encode(key) + '=' + percent_encode(value);
  }
  return out;
}

nlohmann::json build_pod_patch(const TaskPod& pod, const PodSpanContexts& contexts, const PatchSettings& settings) {
  nlohmann::json ops = nlohmann::json::array();
  const std::optional<TraceId>& trace = contexts.decision.trace;
  for (std::size_t i = 0; i < pod.steps.size() && i < contexts.steps.size(); ++i) {
    const StepContainer& step = pod.steps[i];
    nlohmann::json add = nlohmann::json::array();
    auto absent = [&](const std::string& name) { return !step.env_names.contains(name); };
    if (trace && absent("TRACEPARENT")) {
      add.push_back(env_value("TRACEPARENT", format_traceparent(*trace, contexts.steps[i].span_id)));
    }
    if (!settings.otlp_endpoint.empty() && absent("OTEL_EXPORTER_OTLP_ENDPOINT")) {
      add.push_back(env_value("OTEL_EXPORTER_OTLP_ENDPOINT", settings.otlp_endpoint));
    }
    if (absent("OTEL_RESOURCE_ATTRIBUTES")) {
      auto attrs = pod_attributes(pod, step);
      std::string text = format_resource_attributes(attrs);
      if (!pod.pod_name.empty()) {
        text += ",k8s.pod.name=" + percent_encode(pod.pod_name);
      } else {
        // generateName only: the name exists once the pod does; Kubernetes
        // expands $(VAR) from a variable defined earlier in the same list.
        if (absent(kPodNameVariable)) {
          add.push_back({{"name", kPodNameVariable},
                         {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.name"}}}}}});
        }
        text += std::string(",k8s.pod.name=$(") + kPodNameVariable + ")";
      }
      std::string extra = format_resource_attributes(settings.resource_attributes);
      if (!extra.empty()) text += "," + extra;
      add.push_back(env_value("OTEL_RESOURCE_ATTRIBUTES", text));
    }
    if (add.empty()) continue;
    std::string base = fmt::format("/spec/{}/{}/env", step.list, step.index);
    if (!step.has_env) {
      ops.push_back({{"op", "add"}, {"path", base}, {"value", add}});
    } else {
      for (auto& entry : add) ops.push_back({{"op", "add"}, {"path", base + "/-"}, {"value", std::move(entry)}});
    }
  }

  if (trace && pod.has_metadata) {
    nlohmann::json annotations = nlohmann::json::object();
    auto carrier = [&](const SpanId& span) {
      return nlohmann::json{{"traceparent", format_traceparent(*trace, span)}}.dump();
    };
    if (!pod.annotation_keys.contains(kTaskRunSpanContextAnnotation)) {
      annotations[kTaskRunSpanContextAnnotation] = carrier(contexts.task_run_span);
    }
    if (contexts.decision.pipeline_run_span && !pod.annotation_keys.contains(kPipelineRunSpanContextAnnotation)) {
      annotations[kPipelineRunSpanContextAnnotation] = carrier(*contexts.decision.pipeline_run_span);
    }
    if (!annotations.empty()) {
      if (!pod.has_annotations) {
        ops.push_back({{"op", "add"}, {"path", "/metadata/annotations"}, {"value", annotations}});
      } else {
        for (const auto& [key, value] : annotations.items()) {
          ops.push_back({{"op", "add"}, {"path", "/metadata/annotations/" + pointer_token(key)}, {"value", value}});
        }
      }
    }
  }
  return ops;
}

}  // namespace pipetrace::admission
