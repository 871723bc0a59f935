// The --print tree output. Spans of one batch are grouped by trace; a span
// whose parent is not in the batch is shown at the top of its trace.
#include "sinks/tree_printer_sink.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

#include "model/time.h"

namespace pipetrace {
namespace {

// Display width of a UTF-8 string (counts code points, which is right for
// the box-drawing characters used here).
int display_width(const std::string& s) {
  int w = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++w;
  }
  return w;
}

std::string fit(const std::string& s, int width) {
  if (display_width(s) <= width) return s + std::string(width - display_width(s), ' ');
  std::string out;
  int w = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80) {
      if (w == width - 1) break;
      ++w;
    }
    out += s[i];
  }
  return out + "…";
}

struct TraceView {
  std::vector<const Span*> spans;
  TimeNs start = 0;
  TimeNs end = 0;
};

}  // namespace

std::string format_duration(TimeNs d) {
  char buf[32];
  if (d < 0) d = 0;
  double ms = d / 1e6;
  if (ms < 1000) {
    std::snprintf(buf, sizeof buf, "%.0fms", ms);
  } else if (ms < 60'000) {
    std::snprintf(buf, sizeof buf, "%.1fs", ms / 1000);
  } else if (ms < 3'600'000) {
    long long s = static_cast<long long>(ms / 1000);
    std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
  } else {
    long long m = static_cast<long long>(ms / 60'000);
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", m / 60, m % 60);
  }
  return buf;
}

TreePrinterSink::TreePrinterSink(std::ostream& out, TreePrinterOptions options) : out_(out), options_(options) {}

void TreePrinterSink::consume(const SpanBatch& batch) {
  std::map<TraceId, TraceView> traces;
  for (const Span& s : batch.spans) {
    TraceView& t = traces[s.trace_id];
    t.spans.push_back(&s);
    t.start = t.start == 0 ? s.start : std::min(t.start, s.start);
    t.end = std::max(t.end, s.end);
  }
  for (auto& [trace_id, view] : traces) {
    TraceView& t = view;  // a plain reference: clang 14 cannot capture a structured binding
    std::map<SpanId, std::vector<const Span*>> children;
    std::vector<const Span*> tops;
    std::map<SpanId, const Span*> by_id;
    for (const Span* s : t.spans) by_id[s->span_id] = s;
    for (const Span* s : t.spans) {
      if (!s->parent_span_id.empty() && by_id.count(s->parent_span_id)) children[s->parent_span_id].push_back(s);
      else tops.push_back(s);
    }
    auto order = [](const Span* a, const Span* b) {
      return std::tie(a->start, a->name, a->span_id) < std::tie(b->start, b->name, b->span_id);
    };
    std::sort(tops.begin(), tops.end(), order);
    for (auto& [id, list] : children) std::sort(list.begin(), list.end(), order);

    std::size_t errors = std::count_if(t.spans.begin(), t.spans.end(),
                                       [](const Span* s) { return s->status == StatusCode::Error; });
    const Span* root = tops.empty() ? nullptr : tops.front();
    out_ << "trace " << trace_id.hex() << "  " << (root ? root->name : "") << "\n"
         << "  started " << format_time(t.start) << ", took " << format_duration(t.end - t.start) << ", "
         << t.spans.size() << " spans";
    if (errors > 0) out_ << ", " << errors << (errors == 1 ? " failed" : " failed");
    out_ << "\n";

    TimeNs total = std::max<TimeNs>(t.end - t.start, 1);
    auto print = [&](auto& self, const Span* s, const std::string& prefix, bool last, bool top) -> void {
      std::string branch = top ? "" : (last ? "└─ " : "├─ ");
      std::string label = prefix + branch + s->name;
      int from = static_cast<int>((s->start - t.start) * options_.bar_width / total);
      int to = static_cast<int>((s->end - t.start) * options_.bar_width / total);
      from = std::clamp(from, 0, options_.bar_width - 1);
      to = std::clamp(to, from + 1, options_.bar_width);
      std::string bar(options_.bar_width, ' ');
      for (int i = from; i < to; ++i) bar[i] = s->status == StatusCode::Error ? 'x' : '=';
      char offset[32];
      std::snprintf(offset, sizeof offset, "+%s", format_duration(s->start - t.start).c_str());
      char cols[64];
      std::snprintf(cols, sizeof cols, " %9s %9s ", offset, format_duration(s->end - s->start).c_str());
      out_ << fit(label, options_.name_width) << cols << '|' << bar << '|';
      if (s->status == StatusCode::Error) out_ << " FAILED " << s->status_message.substr(0, 120);
      out_ << "\n";
      auto it = children.find(s->span_id);
      if (it == children.end()) return;
      std::string child_prefix = top ? prefix : prefix + (last ? "   " : "│  ");
      for (std::size_t i = 0; i < it->second.size(); ++i) {
        self(self, it->second[i], child_prefix, i + 1 == it->second.size(), false);
      }
    };
    for (const Span* top : tops) print(print, top, "", true, true);
    out_ << "\n";
  }
}

void TreePrinterSink::flush() { out_.flush(); }

}  // namespace pipetrace
