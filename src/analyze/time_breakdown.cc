// Waiting / pulling / running split of a run (see time_breakdown.h).
#include "analyze/time_breakdown.h"

#include <algorithm>
#include <set>

#include "store/span_roles.h"

namespace pipetrace {
namespace {

// Pulling -> Pulled pairs of one span's events, by image.
void event_pulls(const Span& holder, std::vector<ImagePull>& out) {
  std::vector<std::pair<std::string, TimeNs>> open;
  std::vector<SpanEvent> events = holder.events;
  std::stable_sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.time < b.time; });
  for (const auto& e : events) {
    if (e.name == "Pulling") {
      open.emplace_back(event_image(e), e.time);
    } else if (e.name == "Pulled" && !event_says_image_already_present(e)) {
      const std::string image = event_image(e);
      auto it = std::find_if(open.begin(), open.end(), [&](const auto& p) { return p.first == image; });
      if (it == open.end()) continue;
      if (e.time >= it->second) out.push_back({image, it->second, e.time});
      open.erase(it);
    }
  }
}

// The wait for a node, from a pod's own events, when no span shows it.
void scheduling_waits(const Span& holder, std::vector<Interval>& out) {
  TimeNs scheduled = 0;
  TimeNs first_failure = 0;
  for (const auto& e : holder.events) {
    if (e.name == "Scheduled" && (scheduled == 0 || e.time < scheduled)) scheduled = e.time;
    if (e.name == "FailedScheduling" && (first_failure == 0 || e.time < first_failure)) first_failure = e.time;
  }
  if (scheduled > holder.start) {
    out.push_back({holder.start, scheduled});
  } else if (scheduled == 0 && first_failure != 0) {
    out.push_back({std::min(holder.start, first_failure), holder.end});  // never scheduled
  }
}

}  // namespace

TimeNs covered_length(std::vector<Interval> intervals, TimeNs from, TimeNs to) {
  for (auto& i : intervals) {
    i.start = std::max(i.start, from);
    i.end = std::min(i.end, to);
  }
  std::erase_if(intervals, [](const Interval& i) { return i.end <= i.start; });
  std::sort(intervals.begin(), intervals.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
  TimeNs total = 0;
  TimeNs reach = from;
  for (const auto& i : intervals) {
    const TimeNs begin = std::max(i.start, reach);
    if (i.end > begin) {
      total += i.end - begin;
      reach = i.end;
    }
  }
  return total;
}

std::vector<ImagePull> image_pulls(const SpanTree& tree, const Span& top) {
  std::vector<ImagePull> pulls;
  // (holder span, image) already covered by a pull span, to skip its events.
  std::set<std::pair<std::string, std::string>> covered;
  const auto spans = tree.subtree(top);
  for (const Span* s : spans) {
    if (span_role(*s) != SpanRole::ImagePull) continue;
    const std::string image = pulled_image(*s);
    pulls.push_back({image, s->start, std::max(s->end, s->start)});
    covered.emplace(s->parent_span_id.hex(), image);
  }
  for (const Span* s : spans) {
    std::vector<ImagePull> from_events;
    event_pulls(*s, from_events);
    for (auto& p : from_events) {
      if (!covered.contains({s->span_id.hex(), p.image})) pulls.push_back(std::move(p));
    }
  }
  std::sort(pulls.begin(), pulls.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
  return pulls;
}

TimeBreakdown time_breakdown(const SpanTree& tree, const Span& top, const std::vector<ImagePull>& pulls) {
  TimeBreakdown b;
  const TimeNs from = top.start;
  const TimeNs to = std::max(top.end, top.start);
  b.total = to - from;
  std::vector<Interval> waiting;
  const auto spans = tree.subtree(top);
  for (const Span* s : spans) {
    const SpanRole role = span_role(*s);
    if (s != &top && (role == SpanRole::Queue || role == SpanRole::Scheduling)) waiting.push_back({s->start, s->end});
  }
  // Events add waits the tracer did not turn into spans; the union keeps
  // an overlap with a scheduling span from counting twice.
  for (const Span* s : spans) scheduling_waits(*s, waiting);

  std::vector<Interval> pulling;
  for (const auto& p : pulls) pulling.push_back({p.start, p.end});

  b.waiting = covered_length(waiting, from, to);
  std::vector<Interval> either = waiting;
  either.insert(either.end(), pulling.begin(), pulling.end());
  const TimeNs busy = covered_length(either, from, to);
  b.pulling = busy - b.waiting;
  b.running = b.total - busy;
  return b;
}

}  // namespace pipetrace
