// Shared pieces of span building: timing fallbacks, outcomes, steps, events.
#include "link/span_parts.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "model/ids.h"

namespace pipetrace::span_parts {

void add(Span& s, AttributeKey key, std::string value) {
  if (!value.empty()) s.attributes.push_back({std::move(key), std::move(value)});
}

void add_int(Span& s, AttributeKey key, std::int64_t value) {
  s.attributes.push_back({std::move(key), value});
}

void add_bool(Span& s, AttributeKey key, bool value) { s.attributes.push_back({std::move(key), value}); }

// Room for the attributes a resource's span usually gets (its kind's, the
// Kubernetes and VCS ones), so that they are not moved as the vector grows.
constexpr std::size_t kResourceSpanAttributes = 16;
constexpr std::size_t kChildSpanAttributes = 8;

Span start_span(const SpanPlacement& p, std::string name, TimeNs start, TimeNs end) {
  Span s;
  s.attributes.reserve(kResourceSpanAttributes);
  s.trace_id = p.trace_id;
  s.span_id = p.span_id;
  s.parent_span_id = p.parent_span_id;
  s.trace_state = p.trace_state;
  s.links = p.links;
  s.name = std::move(name);
  s.kind = SpanKind::Internal;
  if (start == 0) {
    start = p.first_observed;
    if (start != 0) add(s, "pipetrace.start_time.source", "observed");
  }
  if (end == 0 && p.deleted_at != 0) {
    end = p.deleted_at;
    add_bool(s, "pipetrace.deleted_before_finish", true);
  }
  if (end == 0 && p.unfinished) {
    end = std::max(p.last_observed, p.children_end);
    add_bool(s, "pipetrace.span.incomplete", true);
  }
  if (end == 0) end = std::max(start, p.children_end);
  if (start == 0) start = end;
  s.start = start;
  s.end = std::max(start, end);
  return s;
}

void apply_outcome(Span& s, const Outcome& o, AttributeKey result_key) {
  add(s, std::move(result_key), o.result);
  if (o.failed()) {
    s.status = StatusCode::Error;
    std::string msg = o.reason;
    if (!o.message.empty()) msg += msg.empty() ? o.message : ": " + o.message;
    s.status_message = msg;
  }
}

Span child_span(const Span& parent, const SpanId& id, std::string name, TimeNs start, TimeNs end) {
  Span c;
  c.attributes.reserve(kChildSpanAttributes);
  c.trace_id = parent.trace_id;
  c.span_id = id;
  c.parent_span_id = parent.span_id;
  c.name = std::move(name);
  c.start = start;
  c.end = std::max(start, end);
  return c;
}

void add_queue_span(const SpanPlacement& p, const Span& parent, TimeNs created, TimeNs started,
                    std::vector<Span>& out) {
  if (created == 0 || started <= created) return;
  Span q = child_span(parent, derive_span_id({p.cluster, "queue", p.span_id.hex()}), "queued", created, started);
  add(q, "pipetrace.wait.kind", "queue");
  out.push_back(std::move(q));
}

Span step_span(const Span& parent, const SpanId& id, const StepRecord& step) {
  TimeNs start = step.start;
  TimeNs end = step.end;
  if (start == 0) start = end != 0 ? end : parent.start;
  if (end == 0) end = step.state == "running" || step.state == "waiting" ? parent.end : start;
  Span s = child_span(parent, id, "step " + step.name, start, end);
  add(s, "cicd.pipeline.task.step.name", step.name);
  add(s, "k8s.container.name", step.container);
  add(s, "container.image.name", step.image);
  add(s, "pipetrace.step.state", step.state);
  if (step.exit_code) add_int(s, "process.exit.code", *step.exit_code);
  if (step.restart_count > 0) add_int(s, "k8s.container.restart_count", step.restart_count);
  if (step.state == "running" || step.state == "waiting") add_bool(s, "pipetrace.span.incomplete", true);
  apply_outcome(s, step_outcome(step), "cicd.pipeline.task.run.result");
  return s;
}

void add_k8s_events(Span& s, const std::vector<ObjectEvent>* events) {
  if (events == nullptr) return;
  std::vector<const ObjectEvent*> sorted;
  sorted.reserve(events->size());
  for (const auto& e : *events) sorted.push_back(&e);
  std::sort(sorted.begin(), sorted.end(), [](const ObjectEvent* a, const ObjectEvent* b) {
    TimeNs ta = a->first != 0 ? a->first : a->last;
    TimeNs tb = b->first != 0 ? b->first : b->last;
    return std::tie(ta, a->reason, a->name) < std::tie(tb, b->reason, b->name);
  });
  s.events.reserve(s.events.size() + sorted.size());
  for (const ObjectEvent* e : sorted) {
    SpanEvent ev;
    ev.attributes.reserve(7);  // at most: five texts, the count and the last time
    ev.time = e->first != 0 ? e->first : e->last;
    ev.name = e->reason.empty() ? "Event" : std::string(e->reason);
    auto put = [&](AttributeKey k, std::string_view v) {
      if (!v.empty()) ev.attributes.push_back({std::move(k), std::string(v)});
    };
    put("k8s.event.reason", e->reason);
    put("k8s.event.message", e->message);
    put("k8s.event.type", e->type);
    put("k8s.event.field_path", e->field_path);
    put("k8s.event.reporting_component", e->reporting_component);
    if (e->count > 1) {
      ev.attributes.push_back({"k8s.event.count", static_cast<std::int64_t>(e->count)});
      ev.attributes.push_back({"k8s.event.last_time", static_cast<std::int64_t>(e->last)});
    }
    s.events.push_back(std::move(ev));
  }
}

void add_observed_waits(const SpanPlacement& p, Span& s, std::vector<Span>& out) {
  if (p.waits == nullptr || p.waits->empty()) return;
  const WaitHistory waits = wait_transitions(*p.waits);
  std::map<std::string, int> seen;  // reason -> phases of it so far: the ordinal in the span ID
  for (std::size_t i = 0; i < waits.size(); ++i) {
    const WaitTransition& w = waits[i];
    if (w.reason.empty()) continue;
    int ordinal = seen[w.reason]++;
    SpanEvent ev;
    ev.time = w.at;
    ev.name = w.reason;
    ev.attributes.push_back({"pipetrace.wait.reason", w.reason});
    ev.attributes.push_back({"pipetrace.time.source", std::string("observed")});
    s.events.push_back(std::move(ev));

    bool open = i + 1 == waits.size();
    TimeNs end = open ? std::max(s.end, w.at) : waits[i + 1].at;
    Span c = child_span(s, derive_span_id({p.cluster, "wait", p.span_id.hex(), w.reason, std::to_string(ordinal)}),
                        wait_phase_name(w.reason), w.at, end);
    add(c, "pipetrace.wait.kind", wait_kind_of(w.reason));
    add(c, "pipetrace.wait.reason", w.reason);
    add(c, "pipetrace.time.source", "observed");
    if (open && p.unfinished) add_bool(c, "pipetrace.span.incomplete", true);
    out.push_back(std::move(c));
  }
  // Kubernetes events and observed phases interleave in time.
  std::stable_sort(s.events.begin(), s.events.end(),
                   [](const SpanEvent& a, const SpanEvent& b) { return a.time < b.time; });
}

void add_stage_spans(const SpanPlacement& p, const Span& parent, const std::vector<StageRecord>& stages,
                     std::vector<Span>& out) {
  for (const StageRecord& stage : stages) {
    SpanId stage_id = derive_span_id({p.cluster, "stage", p.span_id.hex(), stage.name});
    TimeNs start = stage.start;
    TimeNs end = stage.end;
    for (const auto& st : stage.steps) {
      if (start == 0 || (st.start != 0 && st.start < start)) start = st.start != 0 ? st.start : start;
      end = std::max(end, st.end);
    }
    if (start == 0) start = parent.start;
    if (end == 0) end = start;
    Span s = child_span(parent, stage_id, "stage " + stage.name, start, end);
    add(s, "cicd.pipeline.task.name", stage.name);
    apply_outcome(s, activity_outcome(stage.status, ""), "cicd.pipeline.task.run.result");
    for (const StepRecord& step : stage.steps) {
      SpanId step_id = derive_span_id({p.cluster, "stage-step", stage_id.hex(), step.name});
      out.push_back(step_span(s, step_id, step));
    }
    out.insert(out.end() - static_cast<std::ptrdiff_t>(stage.steps.size()), std::move(s));
  }
}

void add_meta(Span& s, const ObjectMeta& meta) {
  add(s, "k8s.namespace.name", meta.ns);
  add(s, "k8s.object.kind", meta.kind);
  add(s, "k8s.object.name", meta.name);
  add(s, "k8s.object.uid", meta.uid);
}

void add_lighthouse_vcs(Span& s, const ObjectMeta& meta) {
  auto get = [&](std::string_view key, const KeyValues& kv) {
    const std::string* v = find_value(kv, key);
    return v ? *v : std::string();
  };
  std::string clone = get("lighthouse.jenkins-x.io/cloneURI", meta.annotations);
  if (clone.empty()) clone = get("lighthouse.jenkins-x.io/cloneURI", meta.labels);
  std::string org = get("lighthouse.jenkins-x.io/refs.org", meta.labels);
  std::string repo = get("lighthouse.jenkins-x.io/refs.repo", meta.labels);
  std::string url = clone;
  if (url.ends_with(".git")) url.resize(url.size() - 4);
  if (url.empty() && !org.empty() && !repo.empty()) url = "https://github.com/" + org + "/" + repo;
  add(s, "vcs.repository.url.full", url);
  if (!repo.empty()) add(s, "vcs.repository.name", repo);
  add(s, "vcs.owner.name", org);
  add(s, "vcs.ref.head.name", get("lighthouse.jenkins-x.io/branch", meta.labels));
  add(s, "vcs.ref.head.revision", get("lighthouse.jenkins-x.io/lastCommitSHA", meta.labels));
  add(s, "vcs.ref.base.revision", get("lighthouse.jenkins-x.io/baseSHA", meta.labels));
  add(s, "vcs.change.id", get("lighthouse.jenkins-x.io/refs.pull", meta.labels));
}

}  // namespace pipetrace::span_parts
