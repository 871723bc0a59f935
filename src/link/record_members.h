// The members of every record kind, as one list each, for code that treats
// records field by field (the tracer's frozen form). A field added to a
// record in extract/records.h must be added to its list here; the
// round-trip test over every fixture (frozen_record_test.cc) fails until it is.
#pragma once

#include <tuple>
#include <type_traits>

#include "extract/records.h"

namespace pipetrace {

// A tuple of references to the members of `r` (const when `r` is), in
// declaration order.
template <typename R>
auto members(R& r) {
  using T = std::remove_const_t<R>;
  if constexpr (std::is_same_v<T, OwnerRef>) {
    return std::tie(r.api_version, r.kind, r.name, r.uid, r.controller);
  } else if constexpr (std::is_same_v<T, ObjectMeta>) {
    return std::tie(r.api_version, r.kind, r.ns, r.name, r.uid, r.resource_version, r.created, r.deleting, r.labels,
                    r.annotations, r.owners);
  } else if constexpr (std::is_same_v<T, ConditionRecord>) {
    return std::tie(r.type, r.status, r.reason, r.message, r.last_transition);
  } else if constexpr (std::is_same_v<T, StepRecord>) {
    return std::tie(r.name, r.container, r.image, r.state, r.status, r.start, r.end, r.exit_code, r.reason, r.message,
                    r.restart_count);
  } else if constexpr (std::is_same_v<T, StageRecord>) {
    return std::tie(r.name, r.status, r.start, r.end, r.steps);
  } else if constexpr (std::is_same_v<T, GitRefs>) {
    return std::tie(r.org, r.repo, r.repo_url, r.clone_url, r.base_ref, r.base_sha, r.head_sha, r.pull_number,
                    r.pull_author, r.pull_link);
  } else if constexpr (std::is_same_v<T, LighthouseJobRecord>) {
    return std::tie(r.meta, r.job, r.job_type, r.agent, r.context, r.refs, r.state, r.description, r.build_id, r.start,
                    r.completion, r.activity_status, r.stages);
  } else if constexpr (std::is_same_v<T, ChildRef>) {
    return std::tie(r.kind, r.name, r.pipeline_task);
  } else if constexpr (std::is_same_v<T, PipelineRunRecord>) {
    return std::tie(r.meta, r.pipeline, r.spec_status, r.start, r.completion, r.succeeded, r.children);
  } else if constexpr (std::is_same_v<T, TaskRunRecord>) {
    return std::tie(r.meta, r.task, r.pipeline_task, r.pod_name, r.start, r.completion, r.succeeded, r.steps);
  } else if constexpr (std::is_same_v<T, PodRecord>) {
    return std::tie(r.meta, r.phase, r.reason, r.message, r.node_name, r.start, r.conditions, r.init_containers,
                    r.containers);
  } else if constexpr (std::is_same_v<T, InvolvedObject>) {
    return std::tie(r.api_version, r.kind, r.ns, r.name, r.uid, r.field_path);
  } else if constexpr (std::is_same_v<T, EventRecord>) {
    return std::tie(r.meta, r.involved, r.reason, r.message, r.type, r.reporting_component, r.first, r.last, r.count);
  } else if constexpr (std::is_same_v<T, PipelineActivityRecord>) {
    return std::tie(r.meta, r.pipeline, r.build, r.status, r.context, r.git_url, r.git_owner, r.git_repository,
                    r.git_branch, r.last_commit_sha, r.build_url, r.message, r.start, r.completion, r.stages);
  } else if constexpr (std::is_same_v<T, LighthouseActivityRecord>) {
    return std::tie(r.name, r.job_id, r.owner, r.repo, r.branch, r.build_id, r.context, r.git_url, r.base_sha,
                    r.last_commit_sha, r.status, r.start, r.completion, r.stages);
  } else if constexpr (std::is_same_v<T, WebhookRecord>) {
    return std::tie(r.provider, r.relay, r.event, r.action, r.guid, r.repo_full_name, r.repo_url, r.ref, r.sha,
                    r.base_ref, r.base_sha, r.pr_number, r.pr_title, r.pr_url, r.pr_body, r.pr_merged, r.sender,
                    r.comment, r.timestamp);
  } else {
    static_assert(sizeof(T) == 0, "members(): not a record type; add its member list");
  }
}

}  // namespace pipetrace
