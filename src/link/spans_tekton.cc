// Spans of Tekton PipelineRuns and TaskRuns, with queue and step spans.
#include "link/kind_spans.h"
#include "link/span_parts.h"

namespace pipetrace::kind_spans {

using namespace span_parts;

void pipeline_run(const PipelineRunRecord& r, const SpanPlacement& p, std::vector<Span>& out) {
  TimeNs start = r.start != 0 ? r.start : r.meta.created;
  Span s = start_span(p, "PipelineRun " + (r.pipeline.empty() ? r.meta.name : r.pipeline), start, r.completion);
  add_meta(s, r.meta);
  add(s, "cicd.pipeline.name", r.pipeline.empty() ? r.meta.name : r.pipeline);
  add(s, "cicd.pipeline.run.id", r.meta.name);
  add(s, "tekton.pipelinerun.spec_status", r.spec_status);
  add_lighthouse_vcs(s, r.meta);
  apply_outcome(s, tekton_outcome(r.succeeded, r.spec_status), "cicd.pipeline.result");
  std::vector<Span> children;
  add_queue_span(p, s, r.meta.created, r.start, children);
  add_observed_waits(p, s, children);
  out.push_back(std::move(s));
  out.insert(out.end(), std::make_move_iterator(children.begin()), std::make_move_iterator(children.end()));
}

void task_run(const TaskRunRecord& r, const SpanPlacement& p, std::vector<Span>& out) {
  TimeNs start = r.start != 0 ? r.start : r.meta.created;
  std::string task = !r.pipeline_task.empty() ? r.pipeline_task : !r.task.empty() ? r.task : r.meta.name;
  Span s = start_span(p, "TaskRun " + task, start, r.completion);
  add_meta(s, r.meta);
  add(s, "cicd.pipeline.task.name", task);
  add(s, "cicd.pipeline.task.run.id", r.meta.name);
  add(s, "tekton.task.name", r.task);
  add(s, "k8s.pod.name", r.pod_name);
  Outcome outcome = tekton_outcome(r.succeeded, "");
  apply_outcome(s, outcome, "cicd.pipeline.task.run.result");
  add_k8s_events(s, p.events);

  std::vector<Span> children;
  add_queue_span(p, s, r.meta.created, r.start, children);
  add_observed_waits(p, s, children);
  // Steps go under the pod span when the pod is known (job -> run -> task ->
  // pod -> step); their times come from the TaskRun, which reports them
  // even after the pod is gone.
  Span step_parent = s;
  if (!p.pod_span_id.empty()) step_parent.span_id = p.pod_span_id;
  for (const StepRecord& step : r.steps) {
    Span st = step_span(step_parent, step_span_id(p.cluster, r.meta.uid, r.meta.ns, r.meta.name, step.name), step);
    // A step cut short by a timeout or cancellation has no start of its own.
    if (step.start == 0 && step.end == 0) {
      st.start = s.start;
      st.end = s.end;
    }
    if (p.unfinished && st.end < st.start) st.end = st.start;
    children.push_back(std::move(st));
  }
  out.push_back(std::move(s));
  out.insert(out.end(), std::make_move_iterator(children.begin()), std::make_move_iterator(children.end()));
}

}  // namespace pipetrace::kind_spans
