// The tracer's graph and the one span lifecycle shared by every kind:
// observe -> wait for parent -> finish -> emit.
#include "link/tracer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <functional>
#include <new>
#include <set>

#include "link/frozen_record.h"
#include "link/recent_records.h"
#include "link/span_builder.h"
#include "model/ids.h"

namespace pipetrace {

namespace {

// What decides whether an observation is newer than the held one.
struct RecordSummary {
  // resourceVersions are opaque by contract but etcd's are integers: held
  // as one when it is (up to 19 digits), the only case they are compared.
  std::uint64_t resource_version = 0;
  TimeNs latest = 0;
  bool numeric_version = false;
  bool finished = false;
  bool webhook = false;
  bool webhook_without_event = false;  // a synthesized root
};

RecordSummary summarize(RecordRef record) {
  RecordSummary s;
  const std::string version = resource_version_of(record);
  if (!version.empty() && version.size() <= 19 &&
      std::all_of(version.begin(), version.end(), [](unsigned char c) { return std::isdigit(c); })) {
    s.resource_version = std::stoull(version);
    s.numeric_version = true;
  }
  s.latest = latest_time_of(record);
  s.finished = is_finished(record);
  if (const auto* w = record.get_if<WebhookRecord>()) {
    s.webhook = true;
    s.webhook_without_event = w->event.empty();
  }
  return s;
}

}  // namespace

// Every in-flight resource has one, so its layout is kept tight: the name
// is stored right after the node, in the same allocation (see create), its
// length sharing a word with the flags; children are a list threaded
// through the nodes (no allocation per parent).
struct Tracer::Node {
  // A node named `name`, owned by the returned pointer.
  static NodePtr create(std::string_view name) {
    void* memory = ::operator new(sizeof(Node) + name.size());
    Node* n = new (memory) Node();
    std::memcpy(reinterpret_cast<char*>(n + 1), name.data(), name.size());
    n->name_size = static_cast<std::uint32_t>(name.size());
    return NodePtr(n);
  }
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

 private:
  Node() = default;  // only through create: the name follows the node

 public:
  // Identity. Kinds and namespaces are few and interned by the tracer.
  const std::string* kind = nullptr;
  const std::string* ns = nullptr;
  std::uint32_t name_size = 0;
  std::uint16_t recent = RecentRecords::kNone;  // with `record`, where the newest record is
  bool ready : 1 = false;
  bool emitted : 1 = false;
  bool resolved : 1 = false;
  bool resolving : 1 = false;  // cycle guard
  bool synthesized : 1 = false;
  std::string_view name() const { return {reinterpret_cast<const char*>(this + 1), name_size}; }
  ResourceKey key() const { return {*kind, *ns, std::string(name())}; }

  FrozenRecord record;    // the newest observation, frozen unless `recent` (see RecentRecords)
  RecordSummary summary;  // what each new observation is compared with, without thawing
  TimeNs first_observed = 0;
  TimeNs last_observed = 0;
  TimeNs deleted_at = 0;
  // Until emitted: when it was first ready to emit (the event grace runs
  // from here). From then on: when it was emitted.
  TimeNs ready_or_emitted_at = 0;
  TimeNs subtree_end = 0;  // latest end among emitted descendants
  Node* parent = nullptr;
  Node* first_child = nullptr;
  Node* next_sibling = nullptr;  // the next child of the same parent
  TraceId trace_id;
  SpanId span_id;
  SpanId parent_span_id;
  // A trace context adopted or linked: rare, so held apart from the node.
  struct Adopted {
    std::string trace_state;
    std::vector<SpanLink> links;
  };
  std::unique_ptr<Adopted> adopted;
  Adopted& adopt() {
    if (!adopted) adopted = std::make_unique<Adopted>();
    return *adopted;
  }
  const std::string& trace_state() const {
    static const std::string none;
    return adopted ? adopted->trace_state : none;
  }
  HeldEventList events;  // Kubernetes events about this object
  WaitHistory waits;     // observed waiting phases (reason + first-seen time each)

  template <typename Predicate>
  bool any_child(Predicate p) const {
    for (const Node* c = first_child; c != nullptr; c = c->next_sibling) {
      if (p(*c)) return true;
    }
    return false;
  }
  bool open_children() const {
    return any_child([](const Node& c) { return !c.emitted; });
  }
  void adopt_child(Node& child) {
    if (any_child([&child](const Node& c) { return &c == &child; })) return;
    child.next_sibling = first_child;
    first_child = &child;
  }
  // Drops the children for which `gone` holds.
  template <typename Predicate>
  void drop_children(Predicate gone) {
    Node** link = &first_child;
    while (*link != nullptr) {
      if (gone(*link)) {
        *link = (*link)->next_sibling;
      } else {
        link = &(*link)->next_sibling;
      }
    }
  }
};

void Tracer::NodeDeleter::operator()(Node* n) const {
  n->~Node();
  ::operator delete(n);
}

namespace {

// Which of two observations of one object is the newer: by resourceVersion
// when both are integers, else by progress, so the result never depends on
// the order in which the observations arrived.
bool newer(const RecordSummary& candidate, const RecordSummary& current) {
  if (candidate.numeric_version && current.numeric_version &&
      candidate.resource_version != current.resource_version) {
    return candidate.resource_version > current.resource_version;
  }
  if (candidate.finished != current.finished) return candidate.finished;
  if (candidate.latest != current.latest) return candidate.latest > current.latest;
  // One key, one kind: a real delivery beats a synthesized root; otherwise
  // keep the current one.
  return candidate.webhook && current.webhook && current.webhook_without_event &&
         !candidate.webhook_without_event;
}

std::string kind_name(std::string_view kind, std::string_view name) {
  std::string out;
  out.reserve(kind.size() + 1 + name.size());
  out.append(kind);
  out += '\0';
  out.append(name);
  return out;
}

// nodes_'s key: the standard library's string hash (eight bytes a step; a
// byte-at-a-time hash showed in profiles, as every Event looks its object
// up) of the name, mixed with the kind's. Entries are checked against the
// node's identity, so a collision costs a comparison only.
std::uint64_t kind_name_hash(std::string_view kind, std::string_view name) {
  const std::uint64_t k = std::hash<std::string_view>{}(kind);
  return std::hash<std::string_view>{}(name) ^ (k + 0x9e3779b97f4a7c15ULL + (k << 6) + (k >> 2));
}

// Tekton's span-context annotations hold a JSON carrier: {"traceparent":"00-..."}.
std::string traceparent_in_carrier(const std::string& json) {
  auto pos = json.find("traceparent");
  if (pos == std::string::npos) return {};
  auto start = json.find("00-", pos);
  if (start == std::string::npos || start + 55 > json.size()) return {};
  return json.substr(start, 55);
}

// The labels and annotations the linker and the span builders read of each
// kind, by exact key (parents_of and add_common_fallbacks in record_view.cc,
// add_lighthouse_vcs for PipelineRuns, the pod builder's tekton.dev/taskRun,
// the SpanContext links of Tracer::resolve); the rest are dropped from the
// graph, which holds every in-flight resource. A new reader of a label or
// annotation must be added here (and, for a Pod's or TaskRun's label, to
// is_tekton_label, which extraction keeps).
constexpr std::string_view kVcsLabels[] = {
    "lighthouse.jenkins-x.io/cloneURI",  "lighthouse.jenkins-x.io/refs.org",
    "lighthouse.jenkins-x.io/refs.repo", "lighthouse.jenkins-x.io/refs.pull",
    "lighthouse.jenkins-x.io/branch",    "lighthouse.jenkins-x.io/lastCommitSHA",
    "lighthouse.jenkins-x.io/baseSHA",
};

template <typename Record>
bool label_read(std::string_view key) {
  if (key == "event-GUID") return true;
  if constexpr (std::is_same_v<Record, PipelineRunRecord>) {
    return key == "lighthouse.jenkins-x.io/id" ||
           std::find(std::begin(kVcsLabels), std::end(kVcsLabels), key) != std::end(kVcsLabels);
  } else if constexpr (std::is_same_v<Record, PipelineActivityRecord>) {
    return key == "lighthouse.jenkins-x.io/id";
  } else if constexpr (std::is_same_v<Record, TaskRunRecord>) {
    return key == "tekton.dev/pipelineRun";
  } else if constexpr (std::is_same_v<Record, PodRecord>) {
    return key == "tekton.dev/taskRun";
  } else {
    return false;
  }
}

template <typename Record>
bool annotation_read(std::string_view key) {
  if constexpr (std::is_same_v<Record, PipelineRunRecord>) {
    if (key == "lighthouse.jenkins-x.io/cloneURI") return true;
  }
  return key == "lighthouse.jenkins-x.io/traceparent" || key == "lighthouse.jenkins-x.io/tracestate" ||
         key == "pipetrace.dev/traceparent" || key.find("SpanContext") != std::string_view::npos;
}

template <typename Keep>
void keep_only(KeyValues& kv, Keep keep) {
  kv.erase(std::remove_if(kv.begin(), kv.end(), [&](const auto& entry) { return !keep(entry.first); }), kv.end());
}

void drop(std::string& unread) { std::string().swap(unread); }

// Drops from a record about to be stored what nothing reads after
// extraction: most labels and annotations, and API versions (the kind is in
// the key).
void compact_record(ResourceRecord& record) {
  std::visit([](auto& r) {
    using Record = std::decay_t<decltype(r)>;
    if constexpr (requires { r.meta; }) {
      keep_only(r.meta.labels, label_read<Record>);
      keep_only(r.meta.annotations, annotation_read<Record>);
      drop(r.meta.api_version);
      for (OwnerRef& o : r.meta.owners) drop(o.api_version);
    }
  }, record);
}

}  // namespace

Tracer::Tracer(TracerOptions options, SpanSink& sink, const Clock& clock)
    : options_(std::move(options)),
      sink_(sink),
      clock_(clock),
      recent_records_(options_.recent_records, freeze_templates_) {}

Tracer::~Tracer() = default;

const std::string* Tracer::intern(std::string_view text) {
  auto it = interned_.find(text);
  if (it == interned_.end()) it = interned_.emplace(text).first;
  return &*it;
}

Tracer::Node* Tracer::find(const ResourceKey& key) const {
  // One side without a namespace matches any namespace; take the first in
  // namespace order so the choice does not depend on arrival order.
  Node* best = nullptr;
  auto [first, last] = nodes_.equal_range(kind_name_hash(key.kind, key.name));
  for (auto it = first; it != last; ++it) {
    Node* n = it->second.get();
    if (*n->kind != key.kind || n->name() != key.name) continue;
    if (*n->ns == key.ns) return n;
    if (key.ns.empty() || n->ns->empty()) {
      if (best == nullptr || *n->ns < *best->ns) best = n;
    }
  }
  return best;
}

Tracer::Node* Tracer::find_exact(const ResourceKey& key) const {
  auto [first, last] = nodes_.equal_range(kind_name_hash(key.kind, key.name));
  for (auto it = first; it != last; ++it) {
    Node* n = it->second.get();
    if (*n->kind == key.kind && *n->ns == key.ns && n->name() == key.name) return n;
  }
  return nullptr;
}

Tracer::Node* Tracer::upsert(const ObservedEvent& event, const ResourceKey& key, ResourceRecord* movable,
                             bool keep_recent) {
  // What is read of this observation besides its record, before the record
  // may be moved into the graph.
  const std::string waiting = waiting_reason(event.record);
  const TimeNs deleted_at = event.type != WatchType::Deleted ? 0
                            : event.observed_at != 0         ? event.observed_at
                                                             : latest_time_of(event.record);
  const RecordSummary summary = summarize(event.record);
  auto take = [&](Node& node) {
    ResourceRecord copy;
    if (movable == nullptr) copy = event.record;
    ResourceRecord& record = movable != nullptr ? *movable : copy;
    compact_record(record);
    if (keep_recent) {
      recent_records_.put(std::move(record), node.record, node.recent);
    } else {
      recent_records_.drop(node.recent);
      node.record = FrozenRecord(record, freeze_templates_);
    }
    node.summary = summary;
  };
  Node* n = find_exact(key);
  if (n == nullptr) {
    if (nodes_.size() >= options_.max_resources) {
      spdlog::warn("tracer: more than {} resources in flight; {} is not traced (raise max_resources)",
                   options_.max_resources, key.to_string());
      ++stats_.evicted;
      return nullptr;
    }
    NodePtr fresh = Node::create(key.name);
    n = fresh.get();
    n->kind = intern(key.kind);
    n->ns = intern(key.ns);
    take(*n);
    nodes_.emplace(kind_name_hash(key.kind, key.name), std::move(fresh));
    auto orphans = orphan_events_.find(key);
    if (orphans == orphan_events_.end() && !key.ns.empty()) orphans = orphan_events_.find({key.kind, "", key.name});
    if (orphans != orphan_events_.end()) {
      n->events = std::move(orphans->second);
      orphan_events_.erase(orphans);
    }
  } else if (newer(summary, n->summary)) {
    take(*n);
  }
  if (event.observed_at != 0) {
    if (n->first_observed == 0 || event.observed_at < n->first_observed) n->first_observed = event.observed_at;
    n->last_observed = std::max(n->last_observed, event.observed_at);
  }
  if (options_.defer_until_flush) {
    note_wait_observation(n->waits, waiting, event.observed_at);
  } else {
    note_wait(n->waits, waiting, event.observed_at);
  }
  if (event.type == WatchType::Deleted) {
    if (n->deleted_at == 0 || (deleted_at != 0 && deleted_at < n->deleted_at)) n->deleted_at = deleted_at;
  }
  return n;
}

const ResourceRecord& Tracer::record_of(const Node& n, ResourceRecord& scratch) const {
  return recent_records_.get(n.record, n.recent, scratch);
}

const ResourceRecord& Tracer::metadata_of(const Node& n, ResourceRecord& scratch) const {
  return recent_records_.get_metadata(n.record, n.recent, scratch);
}

bool Tracer::is_task_run(const Node& n) const { return recent_records_.holds<TaskRunRecord>(n.record, n.recent); }

void Tracer::add_event(const EventRecord& e, TimeNs observed_at) {
  ResourceKey target{e.involved.kind, e.involved.ns, e.involved.name};
  Node* n = find(target);
  HeldEventList* list = nullptr;
  if (n != nullptr && n->emitted) {
    // Its span is gone; raise --event-grace when this count grows.
    ++stats_.late_events;
    spdlog::debug("tracer: event {} about {} came after its span was emitted; not attached", e.meta.name,
                  n->key().to_string());
    return;
  }
  if (n != nullptr) {
    list = &n->events;
  } else {
    if (orphan_events_.size() >= options_.max_orphan_events && !orphan_events_.count(target)) {
      ++stats_.evicted;
      return;
    }
    list = &orphan_events_[target];
  }
  // Only what span building reads is kept: the graph holds many events per
  // pod while the pod is in flight. An event object is updated in place as
  // it repeats (count, lastTimestamp).
  list->add(e, target.name, strings_);
  (void)observed_at;
}

void Tracer::observe(const ObservedEvent& event) { observe(event, nullptr); }

void Tracer::observe(ObservedEvent&& event) { observe(event, &event.record); }

void Tracer::observe(const ObservedEvent& event, ResourceRecord* movable) {
  ++stats_.observed;
  if (event.type == WatchType::Bookmark || event.type == WatchType::Error) return;
  if (const auto* e = std::get_if<EventRecord>(&event.record)) {
    add_event(*e, event.observed_at);
    return;
  }
  ResourceKey key = key_of(event.record);
  if (key.name.empty()) {
    spdlog::debug("tracer: a {} without a name or GUID cannot be linked; skipped", key.kind);
    return;
  }
  Node* n = upsert(event, key, movable);
  if (n == nullptr || options_.defer_until_flush) return;
  settle(*n);
}

bool Tracer::waiting_for_pod(Node& n) {
  // A finished TaskRun puts its steps under its pod's span; in a live
  // cluster the pod's watch may lag the TaskRun's, so the TaskRun waits for
  // the pod (bounded, like a child waits for its parent) rather than put its
  // steps under a different parent depending on timing.
  if (!is_task_run(n)) return false;
  ResourceRecord scratch;
  const auto* tr = std::get_if<TaskRunRecord>(&record_of(n, scratch));
  if (tr == nullptr || tr->pod_name.empty()) return false;
  if (find({"Pod", *n.ns, tr->pod_name}) != nullptr) return false;
  TimeNs since = n.last_observed != 0 ? n.last_observed : n.first_observed;
  if (since != 0 && clock_.now() - since >= options_.parent_wait) return false;
  auto& bucket = waiting_on_[kind_name("Pod", tr->pod_name)];
  if (std::find(bucket.begin(), bucket.end(), &n) == bucket.end()) bucket.push_back(&n);
  return true;
}

bool Tracer::in_event_grace(Node& n) {
  if (options_.event_grace <= 0) return false;
  TimeNs now = clock_.now();
  if (!n.ready) {
    n.ready = true;
    n.ready_or_emitted_at = now;
  }
  return now - n.ready_or_emitted_at < options_.event_grace;
}

void Tracer::wait_for_parent(Node& n) {
  auto note = [&](const std::string& kind, const std::string& name) {
    auto& bucket = waiting_on_[kind_name(kind, name)];
    if (std::find(bucket.begin(), bucket.end(), &n) == bucket.end()) bucket.push_back(&n);
  };
  // Parents are derived from the record whenever asked rather than stored.
  ResourceRecord scratch;
  const ParentCandidates parents = parents_of(metadata_of(n, scratch));
  for (const ResourceKey& k : parents.keys) note(k.kind, k.name);
  if (!parents.event_guid.empty()) note(kWebhookKind, parents.event_guid);
}

void Tracer::settle(Node& changed) {
  // Only the changed resource and those that were waiting on it can have
  // become ready; looking at just these keeps each event's cost independent
  // of how much is in flight. Roots and timed-out waits are tick()'s work.
  std::vector<Node*> work{&changed};
  for (std::size_t i = 0; i < work.size(); ++i) {
    Node* n = work[i];
    bool was_resolved = n->resolved;
    if (!resolve(*n, false)) {
      wait_for_parent(*n);
      continue;
    }
    if (!was_resolved || n == &changed || *n->kind == "Pod") {
      auto waiters = waiting_on_.find(kind_name(*n->kind, n->name()));
      if (waiters != waiting_on_.end()) {
        std::vector<Node*> list = std::move(waiters->second);
        waiting_on_.erase(waiters);
        for (Node* w : list) {
          if (!w->emitted && std::find(work.begin(), work.end(), w) == work.end()) work.push_back(w);
        }
      }
    }
  }
  for (Node* n : work) {
    if (n->resolved && !n->emitted && *n->kind != kWebhookKind &&
        (n->summary.finished || n->deleted_at != 0) && !waiting_for_pod(*n) && !in_event_grace(*n)) {
      emit(*n, false);
    }
  }
}

Tracer::Node* Tracer::synthesize_root(const std::string& guid) {
  ResourceKey key{kWebhookKind, "", guid};
  if (Node* existing = find(key)) return existing;
  ObservedEvent ev;
  ev.type = WatchType::Webhook;
  WebhookRecord w;
  w.guid = guid;
  ev.record = w;
  // Made while records are being read (resolve holds references to recent
  // ones), so no recent record may be let go: it is frozen at once.
  Node* n = upsert(ev, key, &ev.record, /*keep_recent=*/false);
  if (n != nullptr) {
    n->synthesized = true;
    ++stats_.synthesized_roots;
  }
  return n;
}

bool Tracer::resolve(Node& node, bool final, int depth) {
  if (node.resolved) return true;
  if (node.resolving || depth > 32) return false;  // an ownership cycle: treat as unresolvable here
  node.resolving = true;
  struct Guard {
    Node& n;
    ~Guard() { n.resolving = false; }
  } guard{node};

  if (*node.kind == kWebhookKind) {
    node.trace_id = webhook_trace_id(node.name());
    node.span_id = webhook_span_id(node.name());
    node.resolved = true;
    return true;
  }
  ResourceRecord scratch;
  const ResourceRecord& record = metadata_of(node, scratch);
  const std::string uid = uid_of(record);
  node.span_id = resource_span_id(options_.cluster, *node.kind, *node.ns, node.name(), uid);
  const ParentCandidates parents = parents_of(record);

  Node* parent = nullptr;
  for (const ResourceKey& k : parents.keys) {
    Node* p = find(k);
    if (p != nullptr && p != &node && resolve(*p, final, depth + 1)) {
      parent = p;
      break;
    }
  }
  if (parent == nullptr) {
    // The preferred parents are not (yet) there. Live, keep waiting until the
    // bound; then, or at end of input, fall back to the event GUID's root.
    bool waited_enough = final || parents.keys.empty() ||
                         (node.first_observed != 0 && clock_.now() - node.first_observed >= options_.parent_wait);
    if (!waited_enough) return false;
    if (!parents.event_guid.empty()) {
      Node* webhook = find({kWebhookKind, "", parents.event_guid});
      if (webhook == nullptr) webhook = synthesize_root(parents.event_guid);
      if (webhook != nullptr && resolve(*webhook, final, depth + 1)) parent = webhook;
    }
  }

  TraceId adopted_trace;
  SpanId adopted_span;
  bool has_traceparent = !parents.traceparent.empty() &&
                         parse_traceparent(parents.traceparent, adopted_trace, adopted_span);
  if (parent != nullptr) {
    node.parent = parent;
    node.trace_id = parent->trace_id;
    node.parent_span_id = parent->span_id;
    if (!parent->trace_state().empty()) node.adopt().trace_state = parent->trace_state();
    parent->adopt_child(node);
  } else if (has_traceparent) {
    node.trace_id = adopted_trace;
    node.parent_span_id = adopted_span;
    if (!parents.tracestate.empty()) node.adopt().trace_state = parents.tracestate;
  } else {
    node.trace_id = derive_trace_id({options_.cluster, *node.kind, *node.ns, node.name(), uid});
  }
  if (node.adopted) node.adopted->links.clear();
  if (has_traceparent && parent != nullptr && adopted_trace != node.trace_id) {
    node.adopt().links.push_back({adopted_trace, adopted_span, parents.tracestate, {{"pipetrace.link.source",
                                                                                 std::string("traceparent")}}});
  }
  // Tekton's own span contexts, when it traces too: keep them as links.
  if (const ObjectMeta* meta = std::visit([](const auto& r) -> const ObjectMeta* {
        if constexpr (requires { r.meta; }) return &r.meta;
        else return nullptr;
      }, record)) {
    for (const auto& [k, v] : meta->annotations) {
      if (k.find("SpanContext") == std::string::npos) continue;
      TraceId t;
      SpanId s;
      if (parse_traceparent(traceparent_in_carrier(v), t, s) && t != node.trace_id) {
        node.adopt().links.push_back({t, s, "", {{"pipetrace.link.source", k}}});
      }
    }
  }
  node.resolved = true;
  return true;
}

void Tracer::build(Node& node, bool final, std::vector<Span>& out, ThawedParent* thawed) {
  SpanPlacement p;
  p.cluster = options_.cluster;
  p.trace_id = node.trace_id;
  p.span_id = node.span_id;
  p.parent_span_id = node.parent_span_id;
  p.trace_state = node.trace_state();
  if (node.adopted) p.links = node.adopted->links;
  p.first_observed = node.first_observed;
  p.last_observed = node.last_observed;
  ResourceRecord scratch;
  const bool thawed_already = thawed != nullptr && thawed->node == &node;
  if (thawed_already) {
    scratch = std::move(thawed->record);
    thawed->node = nullptr;
  }
  const ResourceRecord& record = thawed_already ? scratch : record_of(node, scratch);
  bool finished = node.summary.finished;
  p.deleted_at = finished ? 0 : node.deleted_at;
  p.unfinished = !finished && node.deleted_at == 0;
  p.children_end = node.subtree_end;
  // Events are held by the name of the object they are about: the node's.
  const std::vector<ObjectEvent> events = node.events.view(node.name(), strings_);
  p.events = &events;
  p.waits = &node.waits;
  if (const auto* tr = std::get_if<TaskRunRecord>(&record)) {
    Node* pod = nullptr;
    for (Node* c = node.first_child; c != nullptr && pod == nullptr; c = c->next_sibling) {
      if (*c->kind == "Pod") pod = c;
    }
    if (pod == nullptr && !tr->pod_name.empty()) pod = find({"Pod", *node.ns, tr->pod_name});
    if (pod != nullptr) {
      if (!pod->resolved) resolve(*pod, final);
      if (pod->resolved && pod->trace_id == node.trace_id) p.pod_span_id = pod->span_id;
    }
  }
  ResourceRecord parent_scratch;  // a pod's TaskRun, which its builder reads
  if (std::holds_alternative<PodRecord>(record) && node.parent != nullptr &&
      is_task_run(*node.parent)) {
    ResourceRecord& into = thawed != nullptr ? thawed->record : parent_scratch;
    const ResourceRecord& task_run = record_of(*node.parent, into);
    if (thawed != nullptr) thawed->node = &task_run == &into ? node.parent : nullptr;
    p.task_run = std::get_if<TaskRunRecord>(&task_run);
  }
  std::size_t first = out.size();
  build_spans(record, p, out);
  TimeNs end = 0;
  for (std::size_t i = first; i < out.size(); ++i) end = std::max(end, out[i].end);
  for (Node* a = node.parent; a != nullptr; a = a->parent) a->subtree_end = std::max(a->subtree_end, end);
}

void Tracer::deliver(std::vector<Span>& spans) {
  if (spans.empty()) return;
  stats_.emitted_spans += spans.size();
  if (options_.defer_until_flush) {
    deferred_.insert(deferred_.end(), std::make_move_iterator(spans.begin()), std::make_move_iterator(spans.end()));
    return;
  }
  SpanBatch batch;
  batch.resource = options_.resource;
  batch.spans = std::move(spans);
  sink_.consume(batch);
}

void Tracer::emit(Node& node, bool final) {
  std::vector<Span> spans;
  build(node, final, spans);
  node.emitted = true;
  node.ready_or_emitted_at = clock_.now();
  deliver(spans);
}

int Tracer::depth_of(const Node* n) {
  int d = 0;
  for (const Node* a = n->parent; a != nullptr; a = a->parent) ++d;
  return d;
}

std::vector<Tracer::Node*> Tracer::unemitted(bool final) {
  // In an order that depends on the resources only (their kind and name
  // hash, then their key), so that what is emitted together comes out in
  // the same order whatever order the graph was filled in. Sorting on the
  // hash the graph already holds spares reading every node's name, which
  // for thousands of resources cost more than the sort itself.
  auto collect = [this] {
    std::vector<std::pair<std::uint64_t, Node*>> keyed;
    keyed.reserve(nodes_.size());
    for (auto& [hash, n] : nodes_) {
      if (!n->emitted) keyed.emplace_back(hash, n.get());
    }
    std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first < b.first;
      return std::tuple(std::string_view(*a.second->kind), std::string_view(*a.second->ns), a.second->name()) <
             std::tuple(std::string_view(*b.second->kind), std::string_view(*b.second->ns), b.second->name());
    });
    std::vector<Node*> order;
    order.reserve(keyed.size());
    for (const auto& entry : keyed) order.push_back(entry.second);
    return order;
  };
  std::vector<Node*> order = collect();
  std::size_t before = nodes_.size();
  for (Node* n : order) resolve(*n, final);
  // Resolving may have synthesized roots; they are emitted in this pass too.
  if (nodes_.size() != before) order = collect();
  return order;
}

void Tracer::emit_ready(bool final) {
  // Children before parents, so that a root's end covers its whole tree.
  std::vector<Node*> order = unemitted(final);
  std::stable_sort(order.begin(), order.end(), [](Node* a, Node* b) { return depth_of(a) > depth_of(b); });
  TimeNs now = clock_.now();
  for (Node* n : order) {
    if (!n->resolved || n->emitted) continue;
    bool is_root_event = *n->kind == kWebhookKind;
    if (!final) {
      if (is_root_event) {
        if (n->open_children() || n->first_child == nullptr) continue;
        if (now - std::max(n->last_observed, n->subtree_end) < options_.root_linger) continue;
      } else if ((!n->summary.finished && n->deleted_at == 0) || waiting_for_pod(*n) || in_event_grace(*n)) {
        continue;
      }
    }
    emit(*n, final);
  }
}

void Tracer::tick() {
  emit_ready(false);
  TimeNs now = clock_.now();
  std::set<const Node*> gone;
  for (auto& [hash, n] : nodes_) {
    if (!n->emitted || now - n->ready_or_emitted_at < options_.retain_after_emit) continue;
    if (!n->open_children()) gone.insert(n.get());
  }
  if (gone.empty()) return;
  for (auto& [k, list] : waiting_on_) {
    list.erase(std::remove_if(list.begin(), list.end(), [&](Node* w) { return gone.count(w) > 0; }), list.end());
  }
  for (auto& [hash, other] : nodes_) {
    if (gone.count(other->parent) > 0) other->parent = nullptr;
    other->drop_children([&gone](const Node* c) { return gone.count(c) > 0; });
  }
  for (auto it = nodes_.begin(); it != nodes_.end();) {
    if (gone.count(it->second.get()) > 0) {
      it->second->events.let_go(strings_);
      recent_records_.drop(it->second->recent);
      it = nodes_.erase(it);
    } else {
      ++it;
    }
  }
}

// A replay's end: traces in trace ID order, each one's spans by start time.
// They are built and handed over one trace at a time (not all of them
// first, then sorted): a long recording's spans are never all held at once.
void Tracer::emit_all_by_trace() {
  std::vector<Node*> order = unemitted(true);
  std::erase_if(order, [](const Node* n) { return !n->resolved; });
  // A parent is in its child's trace: within a trace, children before
  // parents, so that a root's end covers its whole tree.
  std::stable_sort(order.begin(), order.end(), [](const Node* a, const Node* b) {
    if (a->trace_id != b->trace_id) return a->trace_id < b->trace_id;
    return depth_of(a) > depth_of(b);
  });
  auto by_trace_and_start = [](const Span& a, const Span& b) {
    return std::tie(a.trace_id, a.start, a.span_id) < std::tie(b.trace_id, b.start, b.span_id);
  };
  // Spans emitted before the end (by tick) join their trace's batch.
  std::sort(deferred_.begin(), deferred_.end(), by_trace_and_start);
  std::size_t earlier = 0;
  SpanBatch batch;
  auto hand_over = [&] {
    std::sort(batch.spans.begin(), batch.spans.end(), by_trace_and_start);
    batch.resource = options_.resource;
    if (!batch.spans.empty()) sink_.consume(batch);
    batch.spans.clear();
  };
  auto take_earlier = [&](auto until) {
    while (earlier < deferred_.size() && until(deferred_[earlier].trace_id)) {
      const TraceId trace = deferred_[earlier].trace_id;
      while (earlier < deferred_.size() && deferred_[earlier].trace_id == trace) {
        batch.spans.push_back(std::move(deferred_[earlier++]));
      }
      hand_over();
    }
  };
  const TimeNs now = clock_.now();
  ThawedParent thawed;
  for (std::size_t i = 0; i < order.size();) {
    const TraceId trace = order[i]->trace_id;
    take_earlier([&](const TraceId& t) { return t < trace; });
    for (; i < order.size() && order[i]->trace_id == trace; ++i) {
      Node& n = *order[i];
      const std::size_t first = batch.spans.size();
      build(n, true, batch.spans, &thawed);
      n.emitted = true;
      n.ready_or_emitted_at = now;
      stats_.emitted_spans += batch.spans.size() - first;
    }
    while (earlier < deferred_.size() && deferred_[earlier].trace_id == trace) {
      batch.spans.push_back(std::move(deferred_[earlier++]));
    }
    hand_over();
  }
  take_earlier([](const TraceId&) { return true; });
  deferred_.clear();
}

void Tracer::flush() {
  if (options_.defer_until_flush) {
    emit_all_by_trace();
  } else {
    emit_ready(true);
  }
  stats_.orphan_events = 0;
  for (const auto& [key, events] : orphan_events_) {
    stats_.orphan_events += events.size();
  }
  sink_.flush();
}

std::optional<Tracer::Placement> Tracer::resolved_placement(const ResourceKey& key) const {
  const Node* n = find(key);
  if (n == nullptr || !n->resolved) return std::nullopt;
  return Placement{n->trace_id, n->span_id};
}

TracerStats Tracer::stats() const {
  TracerStats s = stats_;
  s.resources = nodes_.size();
  return s;
}

}  // namespace pipetrace
