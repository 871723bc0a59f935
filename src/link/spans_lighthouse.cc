// Spans of Lighthouse and Jenkins X objects: LighthouseJobs, Lighthouse
// ActivityRecords and PipelineActivities with their stages and steps.
#include "link/kind_spans.h"
#include "link/span_parts.h"

namespace pipetrace::kind_spans {

using namespace span_parts;

namespace {

std::string repo_url(std::string url) {
  if (url.ends_with(".git")) url.resize(url.size() - 4);
  return url;
}

}  // namespace

void lighthouse_job(const LighthouseJobRecord& r, const SpanPlacement& p, std::vector<Span>& out) {
  TimeNs start = r.start != 0 ? r.start : r.meta.created;
  Span s = start_span(p, "LighthouseJob " + (r.job.empty() ? r.meta.name : r.job), start, r.completion);
  add_meta(s, r.meta);
  add(s, "cicd.pipeline.name", r.job);
  add(s, "cicd.pipeline.run.id", r.meta.name);
  add(s, "lighthouse.job.type", r.job_type);
  add(s, "lighthouse.job.agent", r.agent);
  add(s, "lighthouse.job.context", r.context);
  add(s, "lighthouse.job.build_id", r.build_id);
  std::string url = r.refs.repo_url.empty() ? repo_url(r.refs.clone_url) : r.refs.repo_url;
  add(s, "vcs.repository.url.full", url);
  add(s, "vcs.repository.name", r.refs.repo);
  add(s, "vcs.owner.name", r.refs.org);
  add(s, "vcs.ref.base.name", r.refs.base_ref);
  add(s, "vcs.ref.base.revision", r.refs.base_sha);
  add(s, "vcs.ref.head.revision", r.refs.head_sha);
  add(s, "vcs.change.id", r.refs.pull_number);
  if (!r.refs.pull_number.empty()) add(s, "vcs.ref.head.name", "PR-" + r.refs.pull_number);
  else add(s, "vcs.ref.head.name", r.refs.base_ref);
  apply_outcome(s, lighthouse_outcome(r.state, r.description), "cicd.pipeline.result");
  std::vector<Span> children;
  add_queue_span(p, s, r.meta.created, r.start, children);
  out.push_back(std::move(s));
  out.insert(out.end(), std::make_move_iterator(children.begin()), std::make_move_iterator(children.end()));
}

void lighthouse_activity(const LighthouseActivityRecord& r, const SpanPlacement& p, std::vector<Span>& out) {
  Span s = start_span(p, "activity " + (r.context.empty() ? r.name : r.context), r.start, r.completion);
  add(s, "cicd.pipeline.name", r.context);
  add(s, "cicd.pipeline.run.id", r.name);
  add(s, "lighthouse.job.build_id", r.build_id);
  add(s, "vcs.repository.url.full", repo_url(r.git_url));
  add(s, "vcs.repository.name", r.repo);
  add(s, "vcs.owner.name", r.owner);
  add(s, "vcs.ref.head.name", r.branch);
  add(s, "vcs.ref.head.revision", r.last_commit_sha);
  add(s, "vcs.ref.base.revision", r.base_sha);
  apply_outcome(s, activity_outcome(r.status, ""), "cicd.pipeline.result");
  std::vector<Span> children;
  add_stage_spans(p, s, r.stages, children);
  out.push_back(std::move(s));
  out.insert(out.end(), std::make_move_iterator(children.begin()), std::make_move_iterator(children.end()));
}

void pipeline_activity(const PipelineActivityRecord& r, const SpanPlacement& p, std::vector<Span>& out) {
  std::string name = "PipelineActivity " + (r.pipeline.empty() ? r.meta.name : r.pipeline);
  if (!r.build.empty()) name += " #" + r.build;
  TimeNs start = r.start != 0 ? r.start : r.meta.created;
  // Jenkins X can write a completion before the start; keep the span valid.
  TimeNs end = r.completion != 0 && r.completion < start ? start : r.completion;
  Span s = start_span(p, std::move(name), start, end);
  add_meta(s, r.meta);
  add(s, "cicd.pipeline.name", r.pipeline);
  add(s, "cicd.pipeline.run.id", r.build);
  add(s, "cicd.pipeline.run.url.full", r.build_url);
  add(s, "vcs.repository.url.full", repo_url(r.git_url));
  add(s, "vcs.repository.name", r.git_repository);
  add(s, "vcs.owner.name", r.git_owner);
  add(s, "vcs.ref.head.name", r.git_branch);
  add(s, "vcs.ref.head.revision", r.last_commit_sha);
  add(s, "lighthouse.job.context", r.context);
  apply_outcome(s, activity_outcome(r.status, r.message), "cicd.pipeline.result");
  std::vector<Span> children;
  add_stage_spans(p, s, r.stages, children);
  out.push_back(std::move(s));
  out.insert(out.end(), std::make_move_iterator(children.begin()), std::make_move_iterator(children.end()));
}

}  // namespace pipetrace::kind_spans
