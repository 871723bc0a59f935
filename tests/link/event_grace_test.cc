// The event grace: Kubernetes Events often lag the pod they are about by a
// second or more, so a finished resource's span is held for a while (on the
// tracer's clock) and Events arriving meanwhile are still attached.
#include <gtest/gtest.h>

#include "link/tracer.h"

namespace pipetrace {
namespace {

constexpr TimeNs kSec = 1000000000;
constexpr TimeNs kT0 = 1700000000 * kSec;

class CollectingSink : public SpanSink {
 public:
  void consume(const SpanBatch& batch) override { spans.insert(spans.end(), batch.spans.begin(), batch.spans.end()); }
  const Span* pod() const {
    for (const Span& s : spans) {
      if (s.name == "Pod build-pod") return &s;
    }
    return nullptr;
  }
  std::vector<Span> spans;
};

ObservedEvent finished_pod(TimeNs observed_at) {
  PodRecord pod;
  pod.meta.kind = "Pod";
  pod.meta.ns = "jx";
  pod.meta.name = "build-pod";
  pod.meta.uid = "uid-pod";
  pod.meta.created = kT0;
  pod.meta.resource_version = "7";
  pod.phase = "Succeeded";
  StepRecord c;
  c.name = c.container = "build";
  c.state = "terminated";
  c.start = kT0 + 1 * kSec;
  c.end = kT0 + 10 * kSec;
  c.exit_code = 0;
  pod.containers.push_back(c);
  return {WatchType::Modified, observed_at, pod};
}

ObservedEvent event_about_pod(const std::string& name, const std::string& reason, TimeNs at) {
  EventRecord e;
  e.meta.ns = "jx";
  e.meta.name = name;
  e.meta.resource_version = "9";
  e.involved.kind = "Pod";
  e.involved.ns = "jx";
  e.involved.name = "build-pod";
  e.reason = reason;
  e.type = "Normal";
  e.first = e.last = at;
  return {WatchType::Added, at, e};
}

bool has_event(const Span* s, const std::string& reason) {
  if (s == nullptr) return false;
  for (const SpanEvent& e : s->events) {
    if (e.name == reason) return true;
  }
  return false;
}

TEST(EventGrace, EventsArrivingWithinTheGraceAreAttached) {
  CollectingSink sink;
  ManualClock clock(kT0 + 11 * kSec);
  TracerOptions options;
  options.event_grace = 5 * kSec;
  Tracer tracer(options, sink, clock);

  tracer.observe(finished_pod(clock.now()));
  EXPECT_EQ(sink.pod(), nullptr) << "held for the grace";
  clock.advance(2 * kSec);
  tracer.observe(event_about_pod("build-pod.1", "Killing", kT0 + 10 * kSec));
  tracer.tick();
  EXPECT_EQ(sink.pod(), nullptr);
  clock.advance(3 * kSec);  // 5 s after the pod finished
  tracer.tick();
  ASSERT_NE(sink.pod(), nullptr);
  EXPECT_TRUE(has_event(sink.pod(), "Killing"));

  // After the span went out, an Event is counted, not attached.
  clock.advance(1 * kSec);
  tracer.observe(event_about_pod("build-pod.2", "SandboxChanged", kT0 + 16 * kSec));
  EXPECT_EQ(tracer.stats().late_events, 1u);
  tracer.flush();
  std::size_t pods = 0;
  for (const Span& s : sink.spans) pods += s.name == "Pod build-pod";
  EXPECT_EQ(pods, 1u);
}

TEST(EventGrace, WithoutGraceALateEventIsDropped) {
  CollectingSink sink;
  ManualClock clock(kT0 + 11 * kSec);
  Tracer tracer(TracerOptions{}, sink, clock);
  tracer.observe(finished_pod(clock.now()));
  ASSERT_NE(sink.pod(), nullptr);
  clock.advance(1 * kSec);
  tracer.observe(event_about_pod("build-pod.1", "Killing", kT0 + 10 * kSec));
  EXPECT_FALSE(has_event(sink.pod(), "Killing"));
  EXPECT_EQ(tracer.stats().late_events, 1u);
}

TEST(EventGrace, FlushEmitsAtOnceWithinTheGrace) {
  CollectingSink sink;
  ManualClock clock(kT0 + 11 * kSec);
  TracerOptions options;
  options.event_grace = 60 * kSec;
  Tracer tracer(options, sink, clock);
  tracer.observe(finished_pod(clock.now()));
  tracer.observe(event_about_pod("build-pod.1", "Killing", kT0 + 10 * kSec));
  tracer.tick();
  EXPECT_EQ(sink.pod(), nullptr);
  tracer.flush();
  ASSERT_NE(sink.pod(), nullptr);
  EXPECT_TRUE(has_event(sink.pod(), "Killing"));
  EXPECT_EQ(tracer.stats().late_events, 0u);
}

}  // namespace
}  // namespace pipetrace
