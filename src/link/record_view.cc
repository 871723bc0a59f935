// Per-kind answers to the linker's questions about a record.
#include "link/record_view.h"

#include <algorithm>

namespace pipetrace {
namespace {

const ObjectMeta* meta_of(RecordRef record) {
  return record.visit(
      [](const auto& r) -> const ObjectMeta* {
        if constexpr (requires { r.meta; }) {
          return &r.meta;
        } else {
          return nullptr;
        }
      });
}

std::string label(const ObjectMeta& meta, std::string_view key) {
  const std::string* v = find_value(meta.labels, key);
  return v ? *v : std::string();
}

std::string annotation(const ObjectMeta& meta, std::string_view key) {
  const std::string* v = find_value(meta.annotations, key);
  return v ? *v : std::string();
}

// Owner references of a kind come first (they carry the uid), then the label.
void add_owner_then_label(ParentCandidates& out, const ObjectMeta& meta, std::string_view owner_kind,
                          std::string_view label_key) {
  for (const OwnerRef& o : meta.owners) {
    if (o.kind == owner_kind && !o.name.empty()) out.keys.push_back({std::string(owner_kind), meta.ns, o.name});
  }
  std::string name = label(meta, label_key);
  if (!name.empty()) {
    ResourceKey k{std::string(owner_kind), meta.ns, name};
    if (std::find(out.keys.begin(), out.keys.end(), k) == out.keys.end()) out.keys.push_back(k);
  }
}

void add_common_fallbacks(ParentCandidates& out, const ObjectMeta& meta) {
  out.event_guid = label(meta, "event-GUID");
  out.traceparent = annotation(meta, "lighthouse.jenkins-x.io/traceparent");
  out.tracestate = annotation(meta, "lighthouse.jenkins-x.io/tracestate");
  if (out.traceparent.empty()) out.traceparent = annotation(meta, "pipetrace.dev/traceparent");
}

// A condition-based outcome: Succeeded True/False means done.
bool condition_done(const std::optional<ConditionRecord>& c) {
  return c && (c->status == "True" || c->status == "False");
}

bool activity_status_done(std::string_view s) {
  return s == "Succeeded" || s == "Failed" || s == "Error" || s == "Aborted" || s == "Cancelled" ||
         s == "TimedOut" || s == "success" || s == "failure" || s == "error" || s == "aborted" ||
         s == "succeeded" || s == "failed";
}

template <typename F>
void for_each_step_time(const std::vector<StageRecord>& stages, F&& f) {
  for (const auto& s : stages) {
    f(s.start);
    f(s.end);
    for (const auto& st : s.steps) {
      f(st.start);
      f(st.end);
    }
  }
}

}  // namespace

ResourceKey key_of(RecordRef record) {
  if (const auto* w = record.get_if<WebhookRecord>()) return {kWebhookKind, "", w->guid};
  if (const auto* a = record.get_if<LighthouseActivityRecord>()) return {kActivityRecordKind, "", a->name};
  const ObjectMeta* m = meta_of(record);
  std::string kind = record.visit(
      [](const auto& r) -> std::string {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, LighthouseJobRecord>) return "LighthouseJob";
        if constexpr (std::is_same_v<T, PipelineRunRecord>) return "PipelineRun";
        if constexpr (std::is_same_v<T, TaskRunRecord>) return "TaskRun";
        if constexpr (std::is_same_v<T, PipelineActivityRecord>) return "PipelineActivity";
        if constexpr (std::is_same_v<T, PodRecord>) return "Pod";
        if constexpr (std::is_same_v<T, EventRecord>) return "Event";
        return "";
      });
  std::string name = m->name;
  // Exports and test data sometimes drop metadata (Tekton Chains' objects,
  // Jenkins X's computed activities). Name them from what identifies them
  // instead, so that they are still traced, and the same way every time.
  if (name.empty()) name = m->uid;
  if (name.empty()) {
    if (const auto* pa = record.get_if<PipelineActivityRecord>(); pa && !pa->pipeline.empty()) {
      name = pa->pipeline + "#" + pa->build;
    } else {
      TimeNs t = earliest_time_of(record);
      name = "unnamed-" + kind + (t != 0 ? "-" + std::to_string(t) : "");
    }
  }
  return {kind, m->ns, name};
}

std::string uid_of(RecordRef record) {
  const ObjectMeta* m = meta_of(record);
  return m ? m->uid : std::string();
}

std::string resource_version_of(RecordRef record) {
  const ObjectMeta* m = meta_of(record);
  return m ? m->resource_version : std::string();
}

ParentCandidates parents_of(RecordRef record) {
  ParentCandidates out;
  record.visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, LighthouseJobRecord>) {
          add_common_fallbacks(out, r.meta);
        } else if constexpr (std::is_same_v<T, PipelineRunRecord>) {
          add_owner_then_label(out, r.meta, "LighthouseJob", "lighthouse.jenkins-x.io/id");
          add_common_fallbacks(out, r.meta);
        } else if constexpr (std::is_same_v<T, TaskRunRecord>) {
          add_owner_then_label(out, r.meta, "PipelineRun", "tekton.dev/pipelineRun");
          add_common_fallbacks(out, r.meta);
        } else if constexpr (std::is_same_v<T, PodRecord>) {
          add_owner_then_label(out, r.meta, "TaskRun", "tekton.dev/taskRun");
          add_common_fallbacks(out, r.meta);
        } else if constexpr (std::is_same_v<T, PipelineActivityRecord>) {
          std::string job = label(r.meta, "lighthouse.jenkins-x.io/id");
          if (!job.empty()) out.keys.push_back({"LighthouseJob", r.meta.ns, job});
          add_common_fallbacks(out, r.meta);
        } else if constexpr (std::is_same_v<T, LighthouseActivityRecord>) {
          if (!r.job_id.empty()) out.keys.push_back({"LighthouseJob", "", r.job_id});
        }
      });
  return out;
}

bool is_finished(RecordRef record) {
  return record.visit(
      [](const auto& r) -> bool {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, WebhookRecord>) {
          return true;
        } else if constexpr (std::is_same_v<T, LighthouseJobRecord>) {
          return r.completion != 0 || r.state == "success" || r.state == "failure" || r.state == "aborted" ||
                 r.state == "error";
        } else if constexpr (std::is_same_v<T, PipelineRunRecord> || std::is_same_v<T, TaskRunRecord>) {
          return r.completion != 0 || condition_done(r.succeeded);
        } else if constexpr (std::is_same_v<T, PodRecord>) {
          return r.phase == "Succeeded" || r.phase == "Failed";
        } else if constexpr (std::is_same_v<T, PipelineActivityRecord> ||
                             std::is_same_v<T, LighthouseActivityRecord>) {
          return r.completion != 0 || activity_status_done(r.status);
        } else {
          return true;
        }
      });
}

TimeNs earliest_time_of(RecordRef record) {
  TimeNs best = 0;
  auto take = [&](TimeNs t) {
    if (t != 0 && (best == 0 || t < best)) best = t;
  };
  record.visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (requires { r.meta; }) take(r.meta.created);
        if constexpr (requires { r.start; }) take(r.start);
        if constexpr (std::is_same_v<T, WebhookRecord>) take(r.timestamp);
        if constexpr (std::is_same_v<T, EventRecord>) take(r.first);
        if constexpr (requires { r.stages; }) for_each_step_time(r.stages, take);
        if constexpr (requires { r.steps; })
          for (const auto& s : r.steps) take(s.start);
      });
  return best;
}

TimeNs latest_time_of(RecordRef record) {
  TimeNs best = 0;
  auto take = [&](TimeNs t) { best = std::max(best, t); };
  record.visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (requires { r.meta; }) take(r.meta.created);
        if constexpr (requires { r.start; }) take(r.start);
        if constexpr (requires { r.completion; }) take(r.completion);
        if constexpr (std::is_same_v<T, WebhookRecord>) take(r.timestamp);
        if constexpr (std::is_same_v<T, EventRecord>) take(r.last);
        if constexpr (std::is_same_v<T, PodRecord>) {
          for (const auto& c : r.containers) take(c.end);
          for (const auto& c : r.init_containers) take(c.end);
          for (const auto& c : r.conditions) take(c.last_transition);
        }
        if constexpr (requires { r.stages; }) for_each_step_time(r.stages, take);
        if constexpr (requires { r.steps; })
          for (const auto& s : r.steps) take(s.end);
      });
  return best;
}

}  // namespace pipetrace
