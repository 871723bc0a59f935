// How the linker names a resource: kind, namespace, name. References between
// Kubernetes objects (labels, owner references, involvedObject) use names, so
// the graph is keyed by them; an empty namespace (TaskRuns in exports often
// lack one) matches any namespace on look-up.
#pragma once

#include <string>
#include <tuple>

namespace pipetrace {

struct ResourceKey {
  std::string kind;
  std::string ns;
  std::string name;
  auto operator<=>(const ResourceKey&) const = default;
  std::string to_string() const { return kind + " " + (ns.empty() ? name : ns + "/" + name); }
};

// Kind names the linker uses for records that are not Kubernetes objects.
inline constexpr const char* kWebhookKind = "Webhook";
inline constexpr const char* kActivityRecordKind = "ActivityRecord";

}  // namespace pipetrace
