// Renders traces as stable, readable text for golden files: the span tree
// with times relative to the trace start, status, IDs and key attributes.
#pragma once

#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "model/span.h"
#include "model/time.h"
#include "sinks/span_sink.h"

namespace pipetrace::golden {

inline const char* kKeyAttributes[] = {
    "cicd.pipeline.name",        "cicd.pipeline.run.id",         "cicd.pipeline.result",
    "cicd.pipeline.task.name",   "cicd.pipeline.task.run.id",    "cicd.pipeline.task.run.result",
    "vcs.repository.url.full",   "vcs.ref.head.name",            "vcs.ref.head.revision",
    "vcs.change.id",             "k8s.namespace.name",           "k8s.pod.name",
    "k8s.container.name",        "process.exit.code",            "container.image.name",
    "pipetrace.synthesized",     "pipetrace.span.incomplete",    "pipetrace.deleted_before_finish",
    "pipetrace.start_time.source",
};

inline std::string value_text(const AttributeValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  std::ostringstream o;
  o << std::get<double>(v);
  return o.str();
}

inline std::string seconds(TimeNs d) {
  std::ostringstream o;
  o << d / 1000000000;
  if (d % 1000000000 != 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>((d % 1000000000) / 1000000));
    o << buf;
  }
  return o.str() + "s";
}

inline std::string render(const std::vector<Span>& spans) {
  std::map<TraceId, std::vector<const Span*>> traces;
  for (const Span& s : spans) traces[s.trace_id].push_back(&s);
  std::ostringstream out;
  for (auto& [trace, list] : traces) {
    std::map<SpanId, const Span*> by_id;
    TimeNs t0 = 0;
    for (const Span* s : list) {
      by_id[s->span_id] = s;
      t0 = t0 == 0 ? s->start : std::min(t0, s->start);
    }
    std::map<SpanId, std::vector<const Span*>> children;
    std::vector<const Span*> tops;
    for (const Span* s : list) {
      if (!s->parent_span_id.empty() && by_id.count(s->parent_span_id)) children[s->parent_span_id].push_back(s);
      else tops.push_back(s);
    }
    auto order = [](const Span* a, const Span* b) {
      return std::tie(a->start, a->name, a->span_id) < std::tie(b->start, b->name, b->span_id);
    };
    std::sort(tops.begin(), tops.end(), order);
    for (auto& [id, c] : children) std::sort(c.begin(), c.end(), order);
    out << "trace " << trace.hex() << " starts " << format_time(t0) << "\n";
    auto print = [&](auto& self, const Span* s, int depth) -> void {
      std::string pad(static_cast<std::size_t>(depth) * 2 + 2, ' ');
      out << pad << s->name << "  [+" << seconds(s->start - t0) << " for " << seconds(s->end - s->start) << "]";
      out << " span=" << s->span_id.hex();
      if (!s->parent_span_id.empty()) out << " parent=" << s->parent_span_id.hex();
      if (s->status == StatusCode::Error) out << " ERROR \"" << s->status_message.substr(0, 160) << "\"";
      out << "\n";
      for (const char* key : kKeyAttributes) {
        if (const AttributeValue* v = s->find_attribute(key)) out << pad << "    " << key << "=" << value_text(*v) << "\n";
      }
      for (const SpanEvent& e : s->events) {
        out << pad << "    event " << e.name << " at +" << seconds(e.time - t0) << "\n";
      }
      for (const SpanLink& l : s->links) out << pad << "    link " << l.trace_id.hex() << "/" << l.span_id.hex() << "\n";
      auto it = children.find(s->span_id);
      if (it == children.end()) return;
      for (const Span* c : it->second) self(self, c, depth + 1);
    };
    for (const Span* s : tops) print(print, s, 0);
  }
  return out.str();
}

class CollectingSink : public SpanSink {
 public:
  void consume(const SpanBatch& batch) override {
    spans.insert(spans.end(), batch.spans.begin(), batch.spans.end());
  }
  std::vector<Span> spans;
};

}  // namespace pipetrace::golden
