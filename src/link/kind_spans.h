// One span builder per kind (internal to src/link); see span_builder.h.
#pragma once

#include <vector>

#include "extract/records.h"
#include "link/span_builder.h"

namespace pipetrace::kind_spans {

void webhook(const WebhookRecord& r, const SpanPlacement& p, std::vector<Span>& out);
void lighthouse_job(const LighthouseJobRecord& r, const SpanPlacement& p, std::vector<Span>& out);
void lighthouse_activity(const LighthouseActivityRecord& r, const SpanPlacement& p, std::vector<Span>& out);
void pipeline_activity(const PipelineActivityRecord& r, const SpanPlacement& p, std::vector<Span>& out);
void pipeline_run(const PipelineRunRecord& r, const SpanPlacement& p, std::vector<Span>& out);
void task_run(const TaskRunRecord& r, const SpanPlacement& p, std::vector<Span>& out);
void pod(const PodRecord& r, const SpanPlacement& p, std::vector<Span>& out);

}  // namespace pipetrace::kind_spans
