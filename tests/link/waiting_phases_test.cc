// Waiting phases only a live observer sees (a PipelineRun pending, a TaskRun
// resolving its Task, a pod unschedulable, ...): on the recording
// tests/link/testdata/waiting-phases.jsonl (real fixture objects with their
// conditions edited, see make_waiting_phases.py), replayed and fed live.
#include "link/waiting_phases.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <tuple>

#include "link/tracer.h"
#include "model/ids.h"
#include "model/time.h"
#include "sources/recording_reader.h"

namespace pipetrace {
namespace {

const std::string kRecording = std::string(PIPETRACE_SOURCE_DIR) + "/tests/link/testdata/waiting-phases.jsonl";
const std::string kPipelineRun = "PipelineRun meta-cb-kubecd-bdd-spring-15681-1";
const std::string kTaskRun = "TaskRun meta-pipeline";
const std::string kPod = "Pod meta-cb-kubecd-bdd-spring-15681-1-meta-pipeline-rwb55-pod-e44008";

class CollectingSink : public SpanSink {
 public:
  void consume(const SpanBatch& batch) override { spans.insert(spans.end(), batch.spans.begin(), batch.spans.end()); }
  std::vector<Span> spans;
};

std::vector<ObservedEvent> read_recording() {
  std::vector<ObservedEvent> events;
  RecordingReader reader([&](const ObservedEvent& e) { events.push_back(e); },
                         [](const ReadProblem& p) { ADD_FAILURE() << p.file << ":" << p.line << " " << p.reason; });
  reader.read_file(kRecording);
  return events;
}

std::vector<Span> replay(const std::vector<ObservedEvent>& events) {
  CollectingSink sink;
  ManualClock clock(0);
  TracerOptions options;
  options.defer_until_flush = true;
  Tracer tracer(options, sink, clock);
  for (const auto& e : events) tracer.observe(e);
  tracer.flush();
  return sink.spans;
}

// As serve feeds it: the clock is the observation time, ticks in between,
// serve's default event grace (which also lets the TaskRun, finishing after
// its pod, report the steps before the pod's span is built).
std::vector<Span> live(const std::vector<ObservedEvent>& events) {
  CollectingSink sink;
  ManualClock clock(events.front().observed_at);
  TracerOptions options;
  options.event_grace = 5LL * 1000000000;
  Tracer tracer(options, sink, clock);
  for (const auto& e : events) {
    clock.set(e.observed_at);
    tracer.observe(e);
    tracer.tick();
  }
  clock.advance(3600LL * 1000000000);
  tracer.tick();
  tracer.flush();
  return sink.spans;
}

TimeNs at(const std::string& text) { return parse_time("2019-09-10T17:" + text + "Z").value(); }

const Span* named(const std::vector<Span>& spans, const std::string& name) {
  for (const Span& s : spans) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

struct Phase {
  std::string name;
  std::string reason;
  std::string start;
  std::string end;
};

void expect_phases(const std::vector<Span>& spans, const std::string& owner, const std::vector<Phase>& phases) {
  const Span* parent = named(spans, owner);
  ASSERT_NE(parent, nullptr) << owner;
  for (const Phase& phase : phases) {
    SCOPED_TRACE(owner + " / " + phase.name);
    const Span* s = named(spans, phase.name);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->parent_span_id, parent->span_id);
    EXPECT_EQ(s->trace_id, parent->trace_id);
    EXPECT_EQ(s->span_id, derive_span_id({"default", "wait", parent->span_id.hex(), phase.reason, "0"}));
    EXPECT_EQ(s->start, at(phase.start));
    EXPECT_EQ(s->end, at(phase.end));
    const AttributeValue* reason = s->find_attribute("pipetrace.wait.reason");
    ASSERT_NE(reason, nullptr);
    EXPECT_EQ(std::get<std::string>(*reason), phase.reason);
    // The owner's span carries the transition as an event at its observed time.
    auto event = std::find_if(parent->events.begin(), parent->events.end(),
                              [&](const SpanEvent& e) { return e.name == phase.reason; });
    ASSERT_NE(event, parent->events.end());
    EXPECT_EQ(event->time, at(phase.start));
  }
}

TEST(WaitingPhases, ReplayTurnsObservedTransitionsIntoEventsAndChildSpans) {
  std::vector<Span> spans = replay(read_recording());
  expect_phases(spans, kPipelineRun,
                {{"pipeline run pending", "PipelineRunPending", "07:08.050", "07:08.200"},
                 {"resolving pipeline ref", "ResolvingPipelineRef", "07:08.200", "07:08.300"}});
  expect_phases(spans, kTaskRun,
                {{"resolving task ref", "ResolvingTaskRef", "07:08.400", "07:08.600"},
                 {"pending", "Pending", "07:08.600", "07:19.500"}});
  expect_phases(spans, kPod,
                {{"unschedulable", "Unschedulable", "07:08.700", "07:09.900"},
                 {"pod initializing", "PodInitializing", "07:09.900", "07:18.500"},
                 {"container creating", "ContainerCreating", "07:18.500", "07:19.400"}});
  // Running and finished states are not waits.
  for (const Span& s : spans) EXPECT_NE(s.name, "running") << s.name;
}

TEST(WaitingPhases, LiveGivesTheSameSpansAsReplay) {
  std::vector<ObservedEvent> events = read_recording();
  std::vector<Span> a = replay(events);
  std::vector<Span> b = live(events);
  auto key = [](const Span& s) { return std::tie(s.span_id, s.parent_span_id, s.trace_id, s.name, s.start, s.end); };
  auto by_id = [&](const Span& x, const Span& y) { return key(x) < key(y); };
  std::sort(a.begin(), a.end(), by_id);
  std::sort(b.begin(), b.end(), by_id);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(key(a[i]) == key(b[i])) << a[i].name << " vs " << b[i].name;
    ASSERT_EQ(a[i].events.size(), b[i].events.size()) << a[i].name;
    for (std::size_t j = 0; j < a[i].events.size(); ++j) {
      EXPECT_EQ(a[i].events[j].name, b[i].events[j].name);
      EXPECT_EQ(a[i].events[j].time, b[i].events[j].time);
    }
  }
}

TEST(WaitingPhases, ReplayInAnyOrderGivesTheSamePhases) {
  std::vector<ObservedEvent> events = read_recording();
  std::vector<Span> reference = replay(events);
  std::mt19937 rng(11);
  for (int i = 0; i < 5; ++i) {
    std::shuffle(events.begin(), events.end(), rng);
    EXPECT_EQ(replay(events), reference) << "shuffle " << i;
  }
}

TEST(WaitingPhases, ObjectsWithoutObservationTimesGiveNoPhases) {
  // A dump (kubectl get -o json) says nothing about when states were seen.
  std::vector<ObservedEvent> events = read_recording();
  for (auto& e : events) e.observed_at = 0;
  std::vector<Span> spans = replay(events);
  EXPECT_NE(named(spans, kPod), nullptr);
  for (const Span& s : spans) EXPECT_EQ(s.find_attribute("pipetrace.wait.reason"), nullptr) << s.name;
}

TEST(WaitingPhases, HistoryKeepsTransitionsOnlyInTimeOrder) {
  WaitHistory h;
  note_wait(h, "", 5);  // not waiting before any wait: nothing to keep
  EXPECT_TRUE(h.empty());
  note_wait(h, "ResolvingTaskRef", 10);
  note_wait(h, "ResolvingTaskRef", 12);  // the same phase again
  note_wait(h, "Pending", 20);
  note_wait(h, "", 30);
  note_wait(h, "", 31);
  note_wait(h, "Pending", 0);  // no observation time: ignored
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].reason, "ResolvingTaskRef");
  EXPECT_EQ(h[0].at, 10);
  EXPECT_EQ(h[1].reason, "Pending");
  EXPECT_EQ(h[2].reason, "");
  EXPECT_EQ(h[2].at, 30);
  // An observation that arrives late moves a phase's first sighting earlier.
  note_wait(h, "Pending", 15);
  EXPECT_EQ(h[1].at, 15);
  // Replay keeps every observation until the spans are built, so that late
  // ones can still split a phase; the transitions are the same.
  WaitHistory all;
  for (auto [reason, t] : std::vector<std::pair<std::string, TimeNs>>{
           {"Pending", 20}, {"", 31}, {"ResolvingTaskRef", 12}, {"", 5}, {"", 30}, {"ResolvingTaskRef", 10}}) {
    note_wait_observation(all, reason, t);
  }
  WaitHistory transitions = wait_transitions(all);
  ASSERT_EQ(transitions.size(), 3u);
  EXPECT_EQ(transitions[0].at, 10);
  EXPECT_EQ(transitions[1].at, 20);
  EXPECT_EQ(transitions[2].at, 30);
  // Bounded: a flapping pod stops adding phases, but its end is still noted.
  WaitHistory flapping;
  for (int i = 0; i < 100; ++i) note_wait(flapping, i % 2 ? "ErrImagePull" : "ImagePullBackOff", i + 1);
  EXPECT_EQ(flapping.size(), kMaxWaitTransitions);
  note_wait(flapping, "", 1000);
  EXPECT_EQ(flapping.back().reason, "");
}

TEST(WaitingPhases, ReasonsAndNames) {
  PodRecord pod;
  pod.phase = "Pending";
  pod.conditions.push_back({"PodScheduled", "False", "Unschedulable", "0/3 nodes", 0});
  EXPECT_EQ(waiting_reason(pod), "Unschedulable");
  pod.conditions[0].status = "True";
  EXPECT_EQ(waiting_reason(pod), "");
  StepRecord init;
  init.state = "waiting";
  init.reason = "ErrImagePull";
  pod.init_containers.push_back(init);
  StepRecord main = init;
  main.reason = "PodInitializing";
  pod.containers.push_back(main);
  EXPECT_EQ(waiting_reason(pod), "ErrImagePull");
  pod.phase = "Running";
  EXPECT_EQ(waiting_reason(pod), "");

  TaskRunRecord tr;
  tr.succeeded = ConditionRecord{"Succeeded", "Unknown", "ResolvingTaskRef", "", 0};
  EXPECT_EQ(waiting_reason(tr), "ResolvingTaskRef");
  tr.succeeded->reason = "Running";
  EXPECT_EQ(waiting_reason(tr), "");
  PipelineRunRecord pr;
  pr.spec_status = "PipelineRunPending";
  EXPECT_EQ(waiting_reason(pr), "PipelineRunPending");

  EXPECT_STREQ(wait_kind_of("Unschedulable"), "scheduling");
  EXPECT_STREQ(wait_kind_of("ImagePullBackOff"), "image-pull");
  EXPECT_STREQ(wait_kind_of("ResolvingTaskRef"), "queue");
  EXPECT_EQ(wait_phase_name("ResolvingTaskRef"), "resolving task ref");
  EXPECT_EQ(wait_phase_name("PVCNotBound"), "pvc not bound");
  EXPECT_EQ(wait_phase_name("Unschedulable"), "unschedulable");
}

}  // namespace
}  // namespace pipetrace
