// The linker/tracer: keeps the in-flight graph of CI resources, places each
// one under its parent, and emits its spans through a sink once it has
// finished and its place in a trace is known.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "extract/records.h"
#include "link/frozen_record.h"
#include "link/held_event_list.h"
#include "link/recent_records.h"
#include "link/record_view.h"
#include "link/resource_key.h"
#include "link/string_pool.h"
#include "model/clock.h"
#include "sinks/span_sink.h"

namespace pipetrace {

struct TracerOptions {
  std::string cluster = "default";  // part of every resource's identity
  Resource resource;                // resource attributes of every batch (service.name, ...)
  // How long a resource waits for its parent before the linker falls back
  // (event GUID root, adopted traceparent, or a root of its own). Live only.
  TimeNs parent_wait = 120LL * 1000000000;
  // How long a root stays open after its last descendant finished, for late
  // children (a second job of the same event). Live only.
  TimeNs root_linger = 60LL * 1000000000;
  // How long a finished resource's span is held before it is emitted, so
  // that Kubernetes Events lagging its completion (often a second or more)
  // are still attached. Live only: flush() emits at once.
  TimeNs event_grace = 0;
  // Emitted resources are forgotten this long after emission (children that
  // come later still find their parent meanwhile).
  TimeNs retain_after_emit = 30LL * 60 * 1000000000;
  // Replay: hold every resource until flush(), which builds and emits one
  // trace at a time in a canonical order (trace ID, then start), so that
  // the same events in any order give byte-identical output.
  bool defer_until_flush = false;
  // Bounds: beyond them the oldest waiting entries are given up on (logged).
  std::size_t max_resources = 200000;
  std::size_t max_orphan_events = 100000;
  // How many resources' newest records are kept as they are, unfrozen (see
  // RecentRecords): a resource observed again soon after, as most are, is
  // then not frozen in between. 0 freezes every record as it comes in.
  std::size_t recent_records = 32;
};

struct TracerStats {
  std::size_t observed = 0;
  std::size_t resources = 0;       // in the graph now
  std::size_t emitted_spans = 0;
  std::size_t synthesized_roots = 0;
  std::size_t orphan_events = 0;   // events whose object was never seen
  std::size_t evicted = 0;         // given up on because of a bound
  std::size_t late_events = 0;     // events about an object whose span was already emitted (not attached)
};

class Tracer {
 public:
  Tracer(TracerOptions options, SpanSink& sink, const Clock& clock);
  ~Tracer();
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  void observe(const ObservedEvent& event);
  // The same, taking the record over instead of copying it: what a reader
  // hands over once is moved into the graph.
  void observe(ObservedEvent&& event);
  // Live: gives up waiting where the wait is over, closes lingering roots,
  // forgets old emitted resources. Call periodically.
  void tick();
  // End of input (or shutdown): places every resource, emits every span not
  // yet emitted (unfinished ones marked incomplete), then flushes the sink.
  void flush();

  TracerStats stats() const;

  // Where a resource was placed, if the tracer holds it and has resolved
  // it (a resolution is final); nullopt otherwise. The admission webhook
  // asks this of a task pod's TaskRun and PipelineRun before the pod exists.
  struct Placement {
    TraceId trace_id;
    SpanId span_id;
  };
  std::optional<Placement> resolved_placement(const ResourceKey& key) const;

  struct Node;

 private:
  struct NodeDeleter {
    void operator()(Node* n) const;
  };
  using NodePtr = std::unique_ptr<Node, NodeDeleter>;

  // The node of `key`, or where one side lacks a namespace, of the same
  // kind and name (first in namespace order).
  Node* find(const ResourceKey& key) const;
  Node* find_exact(const ResourceKey& key) const;
  const std::string* intern(std::string_view text);
  void observe(const ObservedEvent& event, ResourceRecord* movable);
  // `movable`, when not null, is event.record and may be moved from.
  // `keep_recent`: among the recent records (else frozen at once).
  Node* upsert(const ObservedEvent& event, const ResourceKey& key, ResourceRecord* movable,
               bool keep_recent = true);
  void add_event(const EventRecord& event, TimeNs observed_at);
  // A node's newest record, from wherever RecentRecords keeps it (`scratch`
  // holds it when it had to be thawed): whole, or its metadata only.
  const ResourceRecord& record_of(const Node& n, ResourceRecord& scratch) const;
  const ResourceRecord& metadata_of(const Node& n, ResourceRecord& scratch) const;
  bool is_task_run(const Node& n) const;
  bool resolve(Node& node, bool final, int depth = 0);
  Node* synthesize_root(const std::string& guid);
  // A TaskRun thawed for its pod's spans, kept for its own: a replay's end
  // builds each trace's spans children first, so the TaskRun comes soon
  // after. Lives only as long as that pass, in which no record changes.
  struct ThawedParent {
    const Node* node = nullptr;
    ResourceRecord record;
  };
  void emit(Node& node, bool final);
  // Unemitted nodes in key order, each resolved first (if it can be).
  std::vector<Node*> unemitted(bool final);
  static int depth_of(const Node* n);
  void emit_ready(bool final);
  void emit_all_by_trace();
  void settle(Node& changed);
  void wait_for_parent(Node& node);
  bool waiting_for_pod(Node& node);
  bool in_event_grace(Node& node);
  void build(Node& node, bool final, std::vector<Span>& out, ThawedParent* thawed = nullptr);
  void deliver(std::vector<Span>& spans);

  TracerOptions options_;
  SpanSink& sink_;
  const Clock& clock_;
  // The texts of held Events (declared first: everything below refers to it).
  StringPool strings_;
  // The strings held records share with earlier ones of their kind.
  FreezeTemplates freeze_templates_;
  // The newest records of the resources observed last, not yet frozen.
  RecentRecords recent_records_;
  // Kinds and namespaces of the nodes: a handful of distinct texts, each
  // kept once for as long as the tracer lives.
  std::set<std::string, std::less<>> interned_;
  // The graph, by a hash of kind and name: a look-up where one side lacks a
  // namespace finds its candidates under the same hash. Each node owns its
  // identity, so an entry costs no more than the hash and the pointer.
  std::unordered_multimap<std::uint64_t, NodePtr> nodes_;
  std::map<ResourceKey, HeldEventList> orphan_events_;
  // kind + '\0' + name -> resources waiting for that parent to appear.
  std::unordered_map<std::string, std::vector<Node*>> waiting_on_;
  std::vector<Span> deferred_;
  TracerStats stats_;
};

}  // namespace pipetrace
