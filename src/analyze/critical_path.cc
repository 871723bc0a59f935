// Critical path computation (see critical_path.h).
#include "analyze/critical_path.h"

#include <algorithm>

#include "store/span_roles.h"

namespace pipetrace {
namespace {

constexpr int kMaxDepth = 128;

struct Walker {
  const SpanTree& tree;
  std::vector<CriticalPathEntry> out;

  // Appends `span` and, after it, the path below it in time order. The
  // span's stretch is [span.start, window_end].
  void walk(const Span& span, TimeNs window_end, int depth) {
    const TimeNs end = std::min(std::max(span.end, span.start), window_end);
    const std::size_t at = out.size();
    out.push_back({span.span_id.hex(), span.name, depth, span.start, end, 0, span.status == StatusCode::Error});
    if (depth >= kMaxDepth) {
      out[at].self_time = end - span.start;
      return;
    }
    // Chosen children, latest first; each with the end of its window.
    std::vector<std::pair<const Span*, TimeNs>> chosen;
    TimeNs cursor = end;
    TimeNs self = 0;
    // Follow the Tekton side where an activity mirrors it (see span_roles.h).
    std::vector<const Span*> kids;
    for (const Span* c : tree.children(span)) {
      if (!is_activity_mirror(*c)) kids.push_back(c);
    }
    if (kids.empty()) kids = tree.children(span);
    while (cursor > span.start) {
      const Span* best = nullptr;
      TimeNs best_end = 0;
      for (const Span* c : kids) {
        // Children that started before the parent are clamped to it.
        if (c->start >= cursor || std::max(c->end, c->start) <= span.start) continue;
        const TimeNs e = std::min(std::max(c->end, c->start), cursor);
        if (best == nullptr || e > best_end || (e == best_end && c->start < best->start)) {
          best = c;
          best_end = e;
        }
      }
      if (best == nullptr) break;
      self += cursor - best_end;
      chosen.emplace_back(best, best_end);
      cursor = std::max(best->start, span.start);
    }
    self += cursor - span.start;
    out[at].self_time = self;
    for (auto it = chosen.rbegin(); it != chosen.rend(); ++it) walk(*it->first, it->second, depth + 1);
  }
};

}  // namespace

std::vector<CriticalPathEntry> critical_path(const SpanTree& tree, const Span& top) {
  Walker w{tree, {}};
  w.walk(top, std::max(top.end, top.start), 0);
  return std::move(w.out);
}

}  // namespace pipetrace
