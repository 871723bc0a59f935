// Fuzz target: one Kubernetes object (JSON) through the per-kind extractors,
// with and without a kind hint, as the watch and recording readers call them.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "extract/object_extractor.h"

namespace {

// The hints the readers pass for objects that name no kind: List items and
// files named after what they hold.
constexpr std::array<std::string_view, 8> kKindHints = {
    "Pod", "Event", "PipelineRun", "TaskRun", "LighthouseJob", "PipelineActivity", "ActivityRecord", "CustomRun"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view json(reinterpret_cast<const char*>(data), size);
  pipetrace::extract_object_json(json);
  // The input's size picks the hint, so every seed is also read as one kind
  // it may not be.
  pipetrace::extract_object_json(json, kKindHints[size % kKindHints.size()]);
  return 0;
}
