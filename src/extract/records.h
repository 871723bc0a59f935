// The compact records extractors produce: only what tracing needs from each
// kind of object, as plain data. The linker works on these, never on JSON.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "model/span.h"

namespace pipetrace {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// Looks a key up in a small key/value list; nullptr when absent.
const std::string* find_value(const KeyValues& kv, std::string_view key);

struct OwnerRef {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string uid;
  bool controller = false;
  bool operator==(const OwnerRef&) const = default;
};

// metadata plus apiVersion/kind. Any field may be empty: real objects lack
// namespace (TaskRuns), uid (test fixtures) or the whole metadata (Tekton
// Chains' objects).
struct ObjectMeta {
  std::string api_version;
  std::string kind;
  std::string ns;
  std::string name;
  std::string uid;
  std::string resource_version;
  TimeNs created = 0;   // metadata.creationTimestamp
  TimeNs deleting = 0;  // metadata.deletionTimestamp
  // Labels are kept whole (they are small), except that Pods and TaskRuns
  // keep Tekton's and the event GUID only (is_tekton_label: they repeat
  // their PipelineRun's Lighthouse labels); annotations only when their key
  // is of interest to tracing (tekton.dev/, lighthouse.jenkins-x.io/,
  // jenkins.io/, pipetrace.dev/ prefixes, or any key containing
  // "traceparent", "tracestate" or "SpanContext"), so that
  // kubectl's last-applied-configuration never gets copied.
  KeyValues labels;
  KeyValues annotations;
  std::vector<OwnerRef> owners;
  bool operator==(const ObjectMeta&) const = default;
};

// One condition (Tekton's "Succeeded", a pod's "PodScheduled", ...).
struct ConditionRecord {
  std::string type;
  std::string status;  // "True" | "False" | "Unknown" | ""
  std::string reason;
  std::string message;
  TimeNs last_transition = 0;
  bool operator==(const ConditionRecord&) const = default;
};

// A step or container: Tekton status.steps[], pod container statuses,
// PipelineActivity / ActivityRecord / LighthouseJob activity steps.
struct StepRecord {
  std::string name;       // step name, without any "step-" prefix
  std::string container;  // container name when known ("step-build")
  std::string image;      // image or imageID when known
  std::string state;      // "waiting" | "running" | "terminated" | "" (no state)
  std::string status;     // activity status word as written ("Succeeded", "success", ...)
  TimeNs start = 0;
  TimeNs end = 0;
  std::optional<int> exit_code;
  std::string reason;
  std::string message;
  int restart_count = 0;
  bool operator==(const StepRecord&) const = default;
};

// A stage of a PipelineActivity / ActivityRecord / LighthouseJob activity.
struct StageRecord {
  std::string name;
  std::string status;
  TimeNs start = 0;
  TimeNs end = 0;
  std::vector<StepRecord> steps;
  bool operator==(const StageRecord&) const = default;
};

// What a repository reference in a LighthouseJob or ActivityRecord says.
struct GitRefs {
  std::string org;
  std::string repo;
  std::string repo_url;   // https URL of the repository
  std::string clone_url;
  std::string base_ref;
  std::string base_sha;
  std::string head_sha;   // the (first) pull's sha, else base_sha
  std::string pull_number;  // "" when not a pull request
  std::string pull_author;
  std::string pull_link;
  bool operator==(const GitRefs&) const = default;
};

struct LighthouseJobRecord {
  ObjectMeta meta;
  std::string job;        // spec.job
  std::string job_type;   // spec.type: presubmit | postsubmit | periodic | batch
  std::string agent;      // spec.agent
  std::string context;    // spec.context
  GitRefs refs;
  std::string state;       // status.state: triggered | pending | running | success | failure | aborted | error
  std::string description; // status.description
  std::string build_id;    // status.buildId / label lighthouse.jenkins-x.io/buildNum
  TimeNs start = 0;        // status.startTime
  TimeNs completion = 0;   // status.completionTime
  std::string activity_status;       // status.activity.status
  std::vector<StageRecord> stages;   // status.activity.stages
  bool operator==(const LighthouseJobRecord&) const = default;
};

// A PipelineRun's child (v1 status.childReferences, or v1beta1's
// status.taskRuns map, keyed by TaskRun name).
struct ChildRef {
  std::string kind;  // "TaskRun" | "CustomRun" | "Run"
  std::string name;
  std::string pipeline_task;
  bool operator==(const ChildRef&) const = default;
};

struct PipelineRunRecord {
  ObjectMeta meta;
  std::string pipeline;     // spec.pipelineRef.name, else label tekton.dev/pipeline
  std::string spec_status;  // spec.status: Cancelled, CancelledRunFinally, StoppedRunFinally, PipelineRunPending
  TimeNs start = 0;
  TimeNs completion = 0;
  std::optional<ConditionRecord> succeeded;  // status.conditions[type=Succeeded]
  std::vector<ChildRef> children;
  bool operator==(const PipelineRunRecord&) const = default;
};

struct TaskRunRecord {
  ObjectMeta meta;
  std::string task;           // spec.taskRef.name, else label tekton.dev/task
  std::string pipeline_task;  // label tekton.dev/pipelineTask
  std::string pod_name;       // status.podName
  TimeNs start = 0;
  TimeNs completion = 0;
  std::optional<ConditionRecord> succeeded;
  std::vector<StepRecord> steps;  // status.steps
  bool operator==(const TaskRunRecord&) const = default;
};

struct PodRecord {
  ObjectMeta meta;
  std::string phase;
  std::string reason;
  std::string message;
  std::string node_name;
  TimeNs start = 0;  // status.startTime
  std::vector<ConditionRecord> conditions;
  std::vector<StepRecord> init_containers;  // from status.initContainerStatuses, image from spec
  std::vector<StepRecord> containers;       // from status.containerStatuses, image from spec
  bool operator==(const PodRecord&) const = default;
};

struct InvolvedObject {
  std::string api_version;
  std::string kind;
  std::string ns;
  std::string name;
  std::string uid;
  std::string field_path;  // "spec.containers{step-build}"
  bool operator==(const InvolvedObject&) const = default;
};

// core/v1 Event or events.k8s.io/v1 Event, normalised.
struct EventRecord {
  ObjectMeta meta;
  InvolvedObject involved;  // involvedObject (v1) or regarding (events.k8s.io)
  std::string reason;
  std::string message;      // message (v1) or note (events.k8s.io)
  std::string type;         // Normal | Warning
  std::string reporting_component;
  TimeNs first = 0;         // firstTimestamp / deprecatedFirstTimestamp / eventTime
  TimeNs last = 0;          // lastTimestamp / series.lastObservedTime / eventTime
  int count = 1;            // count / series.count / deprecatedCount
  bool operator==(const EventRecord&) const = default;
};

// Jenkins X jenkins.io/v1 PipelineActivity.
struct PipelineActivityRecord {
  ObjectMeta meta;
  std::string pipeline;  // spec.pipeline ("owner/repo/branch")
  std::string build;     // spec.build
  std::string status;    // spec.status
  std::string context;
  std::string git_url;
  std::string git_owner;
  std::string git_repository;
  std::string git_branch;
  std::string last_commit_sha;
  std::string build_url;
  std::string message;
  TimeNs start = 0;       // spec.startedTimestamp
  TimeNs completion = 0;  // spec.completedTimestamp
  std::vector<StageRecord> stages;  // spec.steps[].stage (top-level steps become a stage each)
  bool operator==(const PipelineActivityRecord&) const = default;
};

// Lighthouse's ActivityRecord, relayed to external plugins as an "activity"
// payload (see lighthouse/activity/*/record.yaml).
struct LighthouseActivityRecord {
  std::string name;
  std::string job_id;   // jobId: the LighthouseJob name
  std::string owner;
  std::string repo;
  std::string branch;
  std::string build_id;
  std::string context;
  std::string git_url;
  std::string base_sha;
  std::string last_commit_sha;
  std::string status;
  TimeNs start = 0;
  TimeNs completion = 0;
  std::vector<StageRecord> stages;
  bool operator==(const LighthouseActivityRecord&) const = default;
};

// One git-provider event, whether relayed by Lighthouse (go-scm JSON) or
// received raw from GitHub / GitLab.
struct WebhookRecord {
  std::string provider;  // "github" | "gitlab" (the git host; Lighthouse relays either)
  std::string relay;     // "lighthouse" when relayed, else ""
  std::string event;     // push | pull_request | issue_comment | ... (GitHub's names; GitLab mapped)
  std::string action;
  std::string guid;      // delivery GUID: the trace root's identity
  std::string repo_full_name;  // "owner/name"
  std::string repo_url;        // https URL
  std::string ref;             // "refs/heads/main" / branch
  std::string sha;             // head commit
  std::string base_ref;
  std::string base_sha;
  std::string pr_number;       // "" when not about a PR/MR
  std::string pr_title;
  std::string pr_url;
  std::string pr_body;
  bool pr_merged = false;
  std::string sender;
  std::string comment;         // comment body for comment events
  TimeNs timestamp = 0;        // a time the payload states, when it has one
  bool operator==(const WebhookRecord&) const = default;
};

using ResourceRecord = std::variant<WebhookRecord, LighthouseJobRecord, PipelineRunRecord, TaskRunRecord,
                                    PipelineActivityRecord, LighthouseActivityRecord, PodRecord, EventRecord>;

enum class WatchType { Added, Modified, Deleted, Bookmark, Error, Webhook };

// One observation: a watch event, a webhook delivery or an object from a dump.
struct ObservedEvent {
  WatchType type = WatchType::Added;
  TimeNs observed_at = 0;  // 0 when the source did not say
  ResourceRecord record;
};

}  // namespace pipetrace
