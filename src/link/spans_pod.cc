// Spans of a CI pod: the pod, its scheduling wait, image pulls (from the
// Pulling/Pulled events) and the containers its TaskRun does not report.
#include <algorithm>
#include <map>

#include "link/kind_spans.h"
#include "link/span_parts.h"
#include "model/ids.h"

namespace pipetrace::kind_spans {

using namespace span_parts;

namespace {

// The image named in a kubelet message: Pulling image "x" / Successfully pulled image "x" in 1s.
std::string image_in(std::string_view message) {
  auto open = message.find('"');
  if (open == std::string_view::npos) return {};
  auto close = message.find('"', open + 1);
  if (close == std::string_view::npos) return {};
  return std::string(message.substr(open + 1, close - open - 1));
}

std::string container_in(std::string_view field_path) {
  auto open = field_path.find('{');
  auto close = field_path.rfind('}');
  if (open == std::string_view::npos || close == std::string_view::npos || close <= open) return {};
  return std::string(field_path.substr(open + 1, close - open - 1));
}

void add_image_pull_spans(const SpanPlacement& p, const Span& pod, std::vector<Span>& out) {
  if (p.events == nullptr) return;
  struct Pull {
    TimeNs start = 0;
    TimeNs end = 0;
    std::string image;
    std::string container;
  };
  std::map<std::string, Pull> pulls;  // by container (or image when no container is named)
  for (const ObjectEvent& e : *p.events) {
    if (e.reason != "Pulling" && e.reason != "Pulled") continue;
    std::string image = image_in(e.message);
    std::string container = container_in(e.field_path);
    std::string key = container.empty() ? image : container;
    if (key.empty()) continue;
    // "already present on machine" is a Pulled without a Pulling: no pull happened.
    if (e.reason == "Pulled" && e.message.find("already present") != std::string_view::npos) continue;
    Pull& pull = pulls[key];
    pull.container = container;
    if (!image.empty()) pull.image = image;
    if (e.reason == "Pulling") {
      TimeNs t = e.first != 0 ? e.first : e.last;
      if (pull.start == 0 || t < pull.start) pull.start = t;
    } else {
      pull.end = std::max(pull.end, e.last != 0 ? e.last : e.first);
    }
  }
  for (const auto& [key, pull] : pulls) {
    if (pull.start == 0 || pull.end == 0) continue;
    Span s = child_span(pod, derive_span_id({p.cluster, "image-pull", p.span_id.hex(), key}), "pull " + pull.image,
                        pull.start, pull.end);
    add(s, "container.image.name", pull.image);
    add(s, "k8s.container.name", pull.container);
    add(s, "pipetrace.wait.kind", "image-pull");
    out.push_back(std::move(s));
  }
}

TimeNs scheduled_at(const PodRecord& r, const SpanPlacement& p) {
  for (const auto& c : r.conditions) {
    if (c.type == "PodScheduled" && c.status == "True" && c.last_transition != 0) return c.last_transition;
  }
  if (p.events != nullptr) {
    for (const ObjectEvent& e : *p.events) {
      if (e.reason == "Scheduled") return e.first != 0 ? e.first : e.last;
    }
  }
  return 0;
}

bool step_reported_by_task_run(const TaskRunRecord* tr, const StepRecord& container) {
  if (tr == nullptr) return false;
  return std::any_of(tr->steps.begin(), tr->steps.end(), [&](const StepRecord& s) {
    return s.name == container.name || (!s.container.empty() && s.container == container.container);
  });
}

}  // namespace

void pod(const PodRecord& r, const SpanPlacement& p, std::vector<Span>& out) {
  TimeNs end = 0;
  Outcome outcome = pod_outcome(r);
  if (!outcome.result.empty()) {
    for (const auto& c : r.containers) end = std::max(end, c.end);
    for (const auto& c : r.conditions) end = std::max(end, c.last_transition);
  }
  Span s = start_span(p, "Pod " + r.meta.name, r.meta.created, end);
  add_meta(s, r.meta);
  add(s, "k8s.pod.name", r.meta.name);
  add(s, "k8s.pod.uid", r.meta.uid);
  add(s, "k8s.node.name", r.node_name);
  add(s, "k8s.pod.phase", r.phase);
  apply_outcome(s, outcome, "cicd.pipeline.task.run.result");
  add_k8s_events(s, p.events);

  std::vector<Span> children;
  TimeNs scheduled = scheduled_at(r, p);
  if (scheduled > s.start) {
    Span w = child_span(s, derive_span_id({p.cluster, "scheduling", p.span_id.hex()}), "scheduling", s.start,
                        scheduled);
    add(w, "pipetrace.wait.kind", "scheduling");
    add(w, "k8s.node.name", r.node_name);
    children.push_back(std::move(w));
  }
  add_image_pull_spans(p, s, children);
  add_observed_waits(p, s, children);

  std::string tr_name, tr_ns = r.meta.ns, tr_uid;
  if (const std::string* l = find_value(r.meta.labels, "tekton.dev/taskRun")) tr_name = *l;
  for (const OwnerRef& o : r.meta.owners) {
    if (o.kind == "TaskRun") {
      tr_name = o.name;
      tr_uid = o.uid;
    }
  }
  if (p.task_run != nullptr) {
    tr_uid = p.task_run->meta.uid;
    tr_ns = p.task_run->meta.ns;
  }
  auto add_container = [&](const StepRecord& c, bool init) {
    if (step_reported_by_task_run(p.task_run, c)) return;
    SpanId id = !tr_name.empty() ? step_span_id(p.cluster, tr_uid, tr_ns, tr_name, c.name)
                                 : derive_span_id({p.cluster, "container", p.span_id.hex(), c.container});
    Span cs = step_span(s, id, c);
    if (init) add_bool(cs, "k8s.container.init", true);
    children.push_back(std::move(cs));
  };
  for (const auto& c : r.init_containers) add_container(c, true);
  for (const auto& c : r.containers) add_container(c, false);

  out.push_back(std::move(s));
  out.insert(out.end(), std::make_move_iterator(children.begin()), std::make_move_iterator(children.end()));
}

}  // namespace pipetrace::kind_spans
