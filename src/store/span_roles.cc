// Classification of spans and events by what they measure (see span_roles.h).
#include "store/span_roles.h"

#include <algorithm>
#include <cctype>

namespace pipetrace {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// The text between the first pair of double quotes after `image `.
std::string quoted_image(std::string_view text) {
  auto at = text.find("image \"");
  if (at == std::string_view::npos) return {};
  auto begin = at + 7;
  auto end = text.find('"', begin);
  if (end == std::string_view::npos) return {};
  return std::string(text.substr(begin, end - begin));
}

}  // namespace

SpanRole span_role(std::string_view span_name, std::string_view wait_kind) {
  if (wait_kind == "queue") return SpanRole::Queue;
  if (wait_kind == "scheduling") return SpanRole::Scheduling;
  if (wait_kind == "image-pull") return SpanRole::ImagePull;
  std::string name = lower(span_name);
  if (name == "scheduling" || starts_with(name, "scheduling ")) return SpanRole::Scheduling;
  if (starts_with(name, "pull ") || name == "pull" || starts_with(name, "image pull") ||
      starts_with(name, "pulling ")) {
    return SpanRole::ImagePull;
  }
  if (name.find("queue") != std::string::npos || name.find("pending") != std::string::npos ||
      starts_with(name, "wait")) {
    return SpanRole::Queue;
  }
  return SpanRole::Work;
}

SpanRole span_role(const Span& span) {
  return span_role(span.name, span.string_attribute("pipetrace.wait.kind"));
}

bool is_activity_mirror(std::string_view span_name, std::string_view object_kind) {
  return object_kind == "PipelineActivity" || starts_with(span_name, "PipelineActivity ") ||
         starts_with(span_name, "activity ");
}

bool is_activity_mirror(const Span& span) {
  return is_activity_mirror(span.name, span.string_attribute("k8s.object.kind"));
}

std::string pulled_image(const Span& span) {
  std::string image = span.string_attribute("container.image.name");
  if (!image.empty()) return image;
  std::string_view name = span.name;
  for (std::string_view prefix : {"pull ", "Pull ", "pulling ", "Pulling "}) {
    if (starts_with(name, prefix)) return std::string(name.substr(prefix.size()));
  }
  return {};
}

std::string event_image(const SpanEvent& event) {
  for (const auto& a : event.attributes) {
    const auto* text = std::get_if<std::string>(&a.value);
    if (text == nullptr) continue;
    if (a.key == "container.image.name") return *text;
  }
  for (const auto& a : event.attributes) {
    const auto* text = std::get_if<std::string>(&a.value);
    if (text == nullptr) continue;
    if (auto image = quoted_image(*text); !image.empty()) return image;
  }
  return {};
}

bool event_says_image_already_present(const SpanEvent& event) {
  for (const auto& a : event.attributes) {
    const auto* text = std::get_if<std::string>(&a.value);
    if (text != nullptr && text->find("already present") != std::string::npos) return true;
  }
  return false;
}

}  // namespace pipetrace
