// Helpers shared by the per-kind span builders (internal to src/link).
#pragma once

#include <string>
#include <vector>

#include "extract/records.h"
#include "link/outcome.h"
#include "link/span_builder.h"
#include "model/span.h"

namespace pipetrace::span_parts {

void add(Span& s, AttributeKey key, std::string value);  // skips empty values
void add_int(Span& s, AttributeKey key, std::int64_t value);
void add_bool(Span& s, AttributeKey key, bool value);

// A span with IDs from the placement and times resolved: a missing start
// falls back to the first observation (and says so in an attribute); a
// missing end to the deletion, the last observation, or the start.
Span start_span(const SpanPlacement& p, std::string name, TimeNs start, TimeNs end);

// Sets status (Error with "reason: message" for failed outcomes) and the
// result attribute under `result_key`.
void apply_outcome(Span& s, const Outcome& o, AttributeKey result_key);

// A child span of `parent` (steps, stages, queue, pulls).
Span child_span(const Span& parent, const SpanId& id, std::string name, TimeNs start, TimeNs end);

// Adds a "queued" child when the resource waited between creation and start.
void add_queue_span(const SpanPlacement& p, const Span& parent, TimeNs created, TimeNs started,
                    std::vector<Span>& out);

// A step span (Tekton step, container, activity step) under `parent`.
Span step_span(const Span& parent, const SpanId& id, const StepRecord& step);

// Adds the observed waiting phases (p.waits): a span event on `s` at each
// phase's first observation, and a child span per phase until the next
// observed change (or the end of `s` when none came).
void add_observed_waits(const SpanPlacement& p, Span& s, std::vector<Span>& out);

// Adds the Kubernetes events as span events of `s`, sorted by time.
void add_k8s_events(Span& s, const std::vector<ObjectEvent>* events);

// Stage/step spans of a PipelineActivity, ActivityRecord or job activity.
void add_stage_spans(const SpanPlacement& p, const Span& parent, const std::vector<StageRecord>& stages,
                     std::vector<Span>& out);

void add_meta(Span& s, const ObjectMeta& meta);
// vcs.* from Lighthouse's labels and annotations (refs.org/repo, cloneURI, ...).
void add_lighthouse_vcs(Span& s, const ObjectMeta& meta);

}  // namespace pipetrace::span_parts
