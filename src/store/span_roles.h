// What a span stands for in a pipeline run: time spent waiting (in a queue,
// for the scheduler), pulling an image, or working. Read from the tracer's
// pipetrace.wait.kind attribute, else from the span's name, so that spans
// from other producers are classified too. Shared by the store's pipeline
// view and by `pipetrace analyze`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/span.h"

namespace pipetrace {

enum class SpanRole {
  Queue,       // "queued", "pending", "waiting ...": created but not yet started
  Scheduling,  // a pod waiting for a node
  ImagePull,   // "pull <image>"
  Work,        // anything else
};

// `wait_kind` is the pipetrace.wait.kind attribute, empty when absent.
SpanRole span_role(std::string_view span_name, std::string_view wait_kind = {});
SpanRole span_role(const Span& span);

// The image a pull span fetched: container.image.name, else what follows "pull ".
std::string pulled_image(const Span& span);

// The image named in a kubelet event ('Pulling image "x"', 'Successfully
// pulled image "x" in 2s'), from container.image.name or any string attribute
// quoting it; empty when none does.
std::string event_image(const SpanEvent& event);

// Jenkins X PipelineActivities and Lighthouse ActivityRecords restate, as
// stages and steps, what the Tekton PipelineRun next to them reports with
// pods, pulls and waits. Where both exist, analyses follow the Tekton side
// and leave these mirrors out. `object_kind` is k8s.object.kind, if known.
bool is_activity_mirror(std::string_view span_name, std::string_view object_kind = {});
bool is_activity_mirror(const Span& span);

// Kubelet's Pulled event is also sent when no pull happened.
bool event_says_image_already_present(const SpanEvent& event);

}  // namespace pipetrace
