// The tracer's lifecycle on hand-built records: parent links, waiting,
// fallbacks, deletion, duplicates and order independence.
#include "link/tracer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <string>
#include <tuple>

#include "link/span_builder.h"
#include "model/ids.h"
#include "sources/recording_reader.h"

namespace pipetrace {
namespace {

constexpr TimeNs kSec = 1000000000;
constexpr TimeNs kT0 = 1700000000 * kSec;

class CollectingSink : public SpanSink {
 public:
  void consume(const SpanBatch& batch) override {
    ++batches;
    spans.insert(spans.end(), batch.spans.begin(), batch.spans.end());
  }
  const Span* named(std::string_view name) const {
    for (const auto& s : spans) {
      if (s.name == name) return &s;
    }
    return nullptr;
  }
  std::vector<Span> spans;
  int batches = 0;
};

ObjectMeta meta(std::string kind, std::string name, std::string uid, TimeNs created, std::string rv = "1") {
  ObjectMeta m;
  m.kind = std::move(kind);
  m.ns = "jx";
  m.name = std::move(name);
  m.uid = std::move(uid);
  m.created = created;
  m.resource_version = std::move(rv);
  return m;
}

ObservedEvent ev(ResourceRecord r, TimeNs at, WatchType type = WatchType::Added) {
  ObservedEvent e;
  e.type = type;
  e.observed_at = at;
  e.record = std::move(r);
  return e;
}

ConditionRecord succeeded(bool ok, std::string reason = "", std::string message = "") {
  return ConditionRecord{"Succeeded", ok ? "True" : "False", reason.empty() ? (ok ? "Succeeded" : "Failed") : reason,
                         message, 0};
}

// One webhook -> job -> pipelinerun -> taskrun -> pod, plus an event and an
// image pull, all finished.
std::vector<ObservedEvent> scenario(bool fail_step = false) {
  std::vector<ObservedEvent> out;
  WebhookRecord w;
  w.provider = "github";
  w.relay = "lighthouse";
  w.event = "pull_request";
  w.action = "opened";
  w.guid = "guid-1";
  w.repo_full_name = "acme/app";
  w.repo_url = "https://github.com/acme/app";
  w.pr_number = "7";
  out.push_back(ev(w, kT0));

  LighthouseJobRecord job;
  job.meta = meta("LighthouseJob", "job-1", "uid-job", kT0 + 1 * kSec, "10");
  job.meta.labels = {{"event-GUID", "guid-1"}};
  job.job = "pr-build";
  job.state = fail_step ? "failure" : "success";
  job.start = kT0 + 2 * kSec;
  job.completion = kT0 + 100 * kSec;
  out.push_back(ev(job, kT0 + 1 * kSec));

  PipelineRunRecord pr;
  pr.meta = meta("PipelineRun", "run-1", "uid-pr", kT0 + 3 * kSec, "20");
  pr.meta.labels = {{"event-GUID", "guid-1"}, {"lighthouse.jenkins-x.io/id", "job-1"}};
  pr.meta.owners = {{"lighthouse.jenkins.io/v1alpha1", "LighthouseJob", "job-1", "uid-job", true}};
  pr.pipeline = "app-pr";
  pr.start = kT0 + 5 * kSec;
  pr.completion = kT0 + 95 * kSec;
  pr.succeeded = succeeded(!fail_step);
  out.push_back(ev(pr, kT0 + 3 * kSec));

  TaskRunRecord tr;
  tr.meta = meta("TaskRun", "run-1-build", "uid-tr", kT0 + 6 * kSec, "30");
  tr.meta.labels = {{"tekton.dev/pipelineRun", "run-1"}, {"tekton.dev/pipelineTask", "build"}};
  tr.pipeline_task = "build";
  tr.pod_name = "run-1-build-pod";
  tr.start = kT0 + 6 * kSec;
  tr.completion = kT0 + 90 * kSec;
  tr.succeeded = succeeded(!fail_step, fail_step ? "Failed" : "", fail_step ? "step test exited 2" : "");
  StepRecord s1{"clone", "step-clone", "git", "terminated", "", kT0 + 20 * kSec, kT0 + 30 * kSec, 0, "Completed", ""};
  StepRecord s2{"test", "step-test", "go", "terminated", "", kT0 + 30 * kSec, kT0 + 89 * kSec, fail_step ? 2 : 0,
                fail_step ? "Error" : "Completed", ""};
  tr.steps = {s1, s2};
  out.push_back(ev(tr, kT0 + 6 * kSec));

  PodRecord pod;
  pod.meta = meta("Pod", "run-1-build-pod", "uid-pod", kT0 + 7 * kSec, "40");
  pod.meta.labels = {{"tekton.dev/taskRun", "run-1-build"}};
  pod.meta.owners = {{"tekton.dev/v1", "TaskRun", "run-1-build", "uid-tr", true}};
  pod.phase = fail_step ? "Failed" : "Succeeded";
  pod.node_name = "node-a";
  pod.conditions = {{"PodScheduled", "True", "", "", kT0 + 9 * kSec}};
  pod.init_containers = {StepRecord{"prepare", "prepare", "entrypoint", "terminated", "", kT0 + 10 * kSec,
                                    kT0 + 11 * kSec, 0, "Completed", ""}};
  pod.containers = {s1, s2};
  out.push_back(ev(pod, kT0 + 7 * kSec));

  auto event = [&](std::string name, std::string reason, std::string message, TimeNs at) {
    EventRecord e;
    e.meta = meta("Event", std::move(name), "", at);
    e.involved = {"v1", "Pod", "jx", "run-1-build-pod", "uid-pod", "spec.containers{step-test}"};
    e.reason = std::move(reason);
    e.message = std::move(message);
    e.type = "Normal";
    e.first = e.last = at;
    return ev(e, at);
  };
  out.push_back(event("ev-1", "Scheduled", "assigned jx/run-1-build-pod to node-a", kT0 + 9 * kSec));
  out.push_back(event("ev-2", "Pulling", "Pulling image \"golang:1.22\"", kT0 + 12 * kSec));
  out.push_back(event("ev-3", "Pulled", "Successfully pulled image \"golang:1.22\" in 7s", kT0 + 19 * kSec));
  return out;
}

std::vector<Span> replay(const std::vector<ObservedEvent>& events, TracerOptions options = {}) {
  CollectingSink sink;
  ManualClock clock(kT0);
  options.defer_until_flush = true;
  Tracer tracer(options, sink, clock);
  for (const auto& e : events) tracer.observe(e);
  tracer.flush();
  return sink.spans;
}

// Both examples' recordings, in file order.
std::vector<ObservedEvent> example_events() {
  std::vector<ObservedEvent> events;
  RecordingReader reader([&](ObservedEvent&& e) { events.push_back(std::move(e)); },
                         [](const ReadProblem& p) { ADD_FAILURE() << p.file << ":" << p.line << ": " << p.reason; });
  for (const char* example : {"passing", "failing"}) {
    reader.read_file(std::string(PIPETRACE_SOURCE_DIR) + "/examples/" + example + "/recording.jsonl");
  }
  return events;
}

const Span* find(const std::vector<Span>& spans, std::string_view name) {
  for (const auto& s : spans) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

TEST(Tracer, LinksTheWholeChainUnderTheWebhookRoot) {
  auto spans = replay(scenario());
  const Span* root = find(spans, "pull_request.opened acme/app");
  const Span* job = find(spans, "LighthouseJob pr-build");
  const Span* run = find(spans, "PipelineRun app-pr");
  const Span* task = find(spans, "TaskRun build");
  const Span* pod = find(spans, "Pod run-1-build-pod");
  const Span* step = find(spans, "step test");
  const Span* pull = find(spans, "pull golang:1.22");
  const Span* sched = find(spans, "scheduling");
  ASSERT_TRUE(root && job && run && task && pod && step && pull && sched);
  EXPECT_EQ(root->trace_id, webhook_trace_id("guid-1"));
  EXPECT_EQ(root->span_id, webhook_span_id("guid-1"));
  EXPECT_TRUE(root->parent_span_id.empty());
  for (const Span& s : spans) EXPECT_EQ(s.trace_id, root->trace_id) << s.name;
  EXPECT_EQ(job->parent_span_id, root->span_id);
  EXPECT_EQ(run->parent_span_id, job->span_id);
  EXPECT_EQ(task->parent_span_id, run->span_id);
  EXPECT_EQ(pod->parent_span_id, task->span_id);
  EXPECT_EQ(step->parent_span_id, pod->span_id);
  EXPECT_EQ(pull->parent_span_id, pod->span_id);
  EXPECT_EQ(pull->end - pull->start, 7 * kSec);
  EXPECT_EQ(sched->end - sched->start, 2 * kSec);
  // The root covers everything under it.
  EXPECT_EQ(root->start, kT0);
  EXPECT_EQ(root->end, kT0 + 100 * kSec);
  // Steps are reported once, by the TaskRun, not again as pod containers.
  EXPECT_EQ(std::count_if(spans.begin(), spans.end(), [](const Span& s) { return s.name == "step test"; }), 1);
  // The init container, which the TaskRun does not report, gets a span.
  EXPECT_NE(find(spans, "step prepare"), nullptr);
  // Pod events are span events.
  ASSERT_EQ(pod->events.size(), 3u);
  EXPECT_EQ(pod->events[0].name, "Scheduled");
  EXPECT_EQ(pod->events[0].time, kT0 + 9 * kSec);
  EXPECT_EQ(run->string_attribute("cicd.pipeline.result"), "success");
  EXPECT_EQ(run->string_attribute("cicd.pipeline.name"), "app-pr");
  EXPECT_EQ(task->string_attribute("cicd.pipeline.task.run.result"), "success");
  EXPECT_EQ(pod->string_attribute("k8s.pod.name"), "run-1-build-pod");
  EXPECT_EQ(root->string_attribute("vcs.change.id"), "7");
}

TEST(Tracer, QueueSpansCoverCreationToStart) {
  auto spans = replay(scenario());
  const Span* run = find(spans, "PipelineRun app-pr");
  ASSERT_NE(run, nullptr);
  auto queued = std::find_if(spans.begin(), spans.end(),
                             [&](const Span& s) { return s.name == "queued" && s.parent_span_id == run->span_id; });
  ASSERT_NE(queued, spans.end());
  EXPECT_EQ(queued->start, kT0 + 3 * kSec);
  EXPECT_EQ(queued->end, kT0 + 5 * kSec);
}

TEST(Tracer, FailuresCarryErrorStatusAndResult) {
  auto spans = replay(scenario(true));
  const Span* task = find(spans, "TaskRun build");
  const Span* step = find(spans, "step test");
  const Span* job = find(spans, "LighthouseJob pr-build");
  ASSERT_TRUE(task && step && job);
  EXPECT_EQ(task->status, StatusCode::Error);
  EXPECT_EQ(task->status_message, "Failed: step test exited 2");
  EXPECT_EQ(task->string_attribute("cicd.pipeline.task.run.result"), "failure");
  EXPECT_EQ(step->status, StatusCode::Error);
  EXPECT_EQ(std::get<std::int64_t>(*step->find_attribute("process.exit.code")), 2);
  EXPECT_EQ(job->string_attribute("cicd.pipeline.result"), "failure");
  EXPECT_EQ(find(spans, "step clone")->status, StatusCode::Unset);
}

TEST(Tracer, AnyOrderGivesIdenticalOutput) {
  auto events = scenario(true);
  auto reference = replay(events);
  std::mt19937 rng(42);
  for (int i = 0; i < 20; ++i) {
    std::shuffle(events.begin(), events.end(), rng);
    EXPECT_EQ(replay(events), reference) << "permutation " << i;
  }
}

// Both example recordings, replayed: one batch per trace, in trace ID
// order, each by start time. Spans a tick() emitted before the end join
// their trace's batch, so ticking changes nothing.
TEST(Tracer, ReplayHandsOverOneBatchPerTraceInTraceIdOrder) {
  std::vector<ObservedEvent> events = example_events();
  // A pod still running at the end: its trace is emitted in part by the
  // tick, the rest (the pod, the root that waits for it) by the flush.
  const auto* webhook = std::get_if<WebhookRecord>(&events.front().record);
  ASSERT_NE(webhook, nullptr);
  PodRecord running;
  running.meta = meta("Pod", "still-running", "uid-still-running", kT0);
  running.meta.labels = {{"event-GUID", webhook->guid}};
  running.phase = "Running";
  events.push_back(ev(running, kT0));
  class BatchSink : public SpanSink {
   public:
    void consume(const SpanBatch& batch) override { batches.push_back(batch.spans); }
    std::vector<std::vector<Span>> batches;
  };
  auto replay_batches = [&](bool tick_before_the_end) {
    BatchSink sink;
    ManualClock clock(kT0);
    TracerOptions options;
    options.defer_until_flush = true;
    Tracer tracer(options, sink, clock);
    for (const auto& e : events) tracer.observe(e);
    if (tick_before_the_end) {
      clock.set(std::numeric_limits<TimeNs>::max() / 2);
      tracer.tick();
      EXPECT_GT(tracer.stats().emitted_spans, 0u);  // held until flush, then merged
    }
    tracer.flush();
    return sink.batches;
  };
  const auto batches = replay_batches(false);
  ASSERT_GE(batches.size(), 2u);
  for (std::size_t b = 0; b < batches.size(); ++b) {
    ASSERT_FALSE(batches[b].empty());
    if (b > 0) {
      EXPECT_LT(batches[b - 1].front().trace_id, batches[b].front().trace_id);
    }
    for (std::size_t i = 0; i < batches[b].size(); ++i) {
      EXPECT_EQ(batches[b][i].trace_id, batches[b].front().trace_id) << batches[b][i].name;
      if (i > 0) {
        const Span& before = batches[b][i - 1];
        const Span& after = batches[b][i];
        EXPECT_LT(std::tie(before.start, before.span_id), std::tie(after.start, after.span_id)) << after.name;
      }
    }
  }
  EXPECT_EQ(replay_batches(true), batches);
}

// Whether a record was frozen in between or kept as it was is invisible in
// the spans: the examples give the same ones with any number of recent
// records, replayed and live. Live, resources are forgotten right after
// they are emitted while others still come in, so places are dropped and
// reused (a place left to a forgotten resource fails under ASan).
TEST(Tracer, HowManyRecordsStayUnfrozenChangesNoSpan) {
  std::vector<ObservedEvent> events = example_events();
  std::stable_sort(events.begin(), events.end(),
                   [](const ObservedEvent& a, const ObservedEvent& b) { return a.observed_at < b.observed_at; });
  auto spans_with = [&](std::size_t recent, bool live) {
    CollectingSink sink;
    ManualClock clock(events.front().observed_at);
    TracerOptions options;
    options.recent_records = recent;
    options.defer_until_flush = !live;
    options.retain_after_emit = 0;
    Tracer tracer(options, sink, clock);
    for (const auto& e : events) {
      clock.set(std::max(clock.now(), e.observed_at));
      tracer.observe(e);
      if (live) tracer.tick();
    }
    tracer.flush();
    return sink.spans;
  };
  for (bool live : {false, true}) {
    const std::vector<Span> reference = spans_with(0, live);
    EXPECT_GE(reference.size(), 20u);
    for (std::size_t recent : {1, 2, 3, 32}) {
      EXPECT_EQ(spans_with(recent, live), reference) << recent << " recent records, live: " << live;
    }
  }
}

TEST(Tracer, DuplicateEventsChangeNothing) {
  auto events = scenario();
  auto reference = replay(events);
  auto doubled = events;
  doubled.insert(doubled.end(), events.begin(), events.end());
  EXPECT_EQ(replay(doubled), reference);
}

TEST(Tracer, OlderObservationNeverReplacesANewerOne) {
  auto events = scenario();
  // A stale MODIFIED (lower resourceVersion, still running) arriving last.
  TaskRunRecord stale = std::get<TaskRunRecord>(events[3].record);
  stale.meta.resource_version = "29";
  stale.completion = 0;
  stale.succeeded.reset();
  events.push_back(ev(stale, kT0 + 200 * kSec, WatchType::Modified));
  auto spans = replay(events);
  EXPECT_EQ(find(spans, "TaskRun build")->end, kT0 + 90 * kSec);
}

TEST(Tracer, MissingWebhookIsSynthesizedFromTheEventGuid) {
  auto events = scenario();
  events.erase(events.begin());  // no webhook
  auto spans = replay(events);
  auto roots = std::count_if(spans.begin(), spans.end(), [](const Span& s) { return s.parent_span_id.empty(); });
  EXPECT_EQ(roots, 1);
  const Span* root = find(spans, "git event");
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->span_id, webhook_span_id("guid-1"));
  EXPECT_EQ(root->trace_id, webhook_trace_id("guid-1"));
  EXPECT_EQ(std::get<bool>(*root->find_attribute("pipetrace.synthesized")), true);
  EXPECT_EQ(find(spans, "LighthouseJob pr-build")->parent_span_id, root->span_id);
}

TEST(Tracer, MissingJobFallsBackToTheWebhook) {
  auto events = scenario();
  events.erase(events.begin() + 1);  // no LighthouseJob
  auto spans = replay(events);
  EXPECT_EQ(find(spans, "PipelineRun app-pr")->parent_span_id, webhook_span_id("guid-1"));
}

TEST(Tracer, WithoutAnyParentAResourceIsItsOwnRoot) {
  auto events = scenario();
  std::vector<ObservedEvent> only{events[3]};  // the TaskRun alone
  auto spans = replay(only);
  const Span* task = find(spans, "TaskRun build");
  ASSERT_NE(task, nullptr);
  EXPECT_TRUE(task->parent_span_id.empty());
  EXPECT_EQ(find(spans, "step test")->parent_span_id, task->span_id);
}

TEST(Tracer, AdoptsAnExistingTraceparentWhenThereIsNoParent) {
  auto events = scenario();
  auto pr = std::get<PipelineRunRecord>(events[2].record);
  pr.meta.owners.clear();
  pr.meta.labels = {{"lighthouse.jenkins-x.io/id", "absent-job"}};
  pr.meta.annotations = {{"lighthouse.jenkins-x.io/traceparent",
                          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}};
  auto spans = replay({ev(pr, kT0)});
  const Span* run = find(spans, "PipelineRun app-pr");
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->trace_id.hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(run->parent_span_id.hex(), "00f067aa0ba902b7");
}

TEST(Tracer, ATraceparentBesideAKnownParentBecomesALink) {
  auto events = scenario();
  auto& pr = std::get<PipelineRunRecord>(events[2].record);
  pr.meta.annotations = {{"lighthouse.jenkins-x.io/traceparent",
                          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}};
  auto spans = replay(events);
  const Span* run = find(spans, "PipelineRun app-pr");
  ASSERT_EQ(run->links.size(), 1u);
  EXPECT_EQ(run->links[0].trace_id.hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(run->trace_id, webhook_trace_id("guid-1"));
}

TEST(Tracer, DeletedBeforeFinishEndsTheSpanAtDeletion) {
  auto events = scenario();
  auto tr = std::get<TaskRunRecord>(events[3].record);
  tr.completion = 0;
  tr.succeeded.reset();
  tr.meta.resource_version = "31";
  std::vector<ObservedEvent> evs{events[0], events[1], events[2], ev(tr, kT0 + 6 * kSec),
                                 ev(tr, kT0 + 50 * kSec, WatchType::Deleted)};
  auto spans = replay(evs);
  const Span* task = find(spans, "TaskRun build");
  ASSERT_NE(task, nullptr);
  EXPECT_EQ(task->end, kT0 + 50 * kSec);
  EXPECT_EQ(std::get<bool>(*task->find_attribute("pipetrace.deleted_before_finish")), true);
}

TEST(Tracer, UnfinishedAtEndOfInputIsMarkedIncomplete) {
  auto events = scenario();
  auto tr = std::get<TaskRunRecord>(events[3].record);
  tr.completion = 0;
  tr.succeeded.reset();
  auto spans = replay({ev(tr, kT0 + 60 * kSec)});
  const Span* task = find(spans, "TaskRun build");
  ASSERT_NE(task, nullptr);
  EXPECT_EQ(std::get<bool>(*task->find_attribute("pipetrace.span.incomplete")), true);
  EXPECT_GE(task->end, task->start);
}

TEST(TracerLive, ChildBeforeParentWaitsThenLinks) {
  auto events = scenario();
  CollectingSink sink;
  ManualClock clock(kT0);
  Tracer tracer({}, sink, clock);
  tracer.observe(events[2]);  // PipelineRun, finished, before its job and webhook
  tracer.tick();
  EXPECT_TRUE(sink.spans.empty());
  tracer.observe(events[1]);  // the job
  tracer.observe(events[0]);  // the webhook
  const Span* run = sink.named("PipelineRun app-pr");
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->trace_id, webhook_trace_id("guid-1"));
  // The root waits for its linger time after the last child finished.
  EXPECT_EQ(sink.named("pull_request.opened acme/app"), nullptr);
  clock.set(kT0 + 100 * kSec + TracerOptions{}.root_linger);
  tracer.tick();
  EXPECT_NE(sink.named("pull_request.opened acme/app"), nullptr);
}

TEST(TracerLive, GivesUpWaitingAfterTheBoundAndSynthesizesTheRoot) {
  auto events = scenario();
  CollectingSink sink;
  ManualClock clock(kT0);
  TracerOptions options;
  options.parent_wait = 30 * kSec;
  Tracer tracer(options, sink, clock);
  tracer.observe(events[2]);  // its job never comes
  clock.set(kT0 + 3 * kSec + 29 * kSec);
  tracer.tick();
  EXPECT_TRUE(sink.spans.empty());
  clock.set(kT0 + 3 * kSec + 31 * kSec);
  tracer.tick();
  const Span* run = sink.named("PipelineRun app-pr");
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->parent_span_id, webhook_span_id("guid-1"));
}

TEST(TracerLive, UnfinishedResourcesAreNotEmittedUntilTheyFinish) {
  auto events = scenario();
  CollectingSink sink;
  ManualClock clock(kT0);
  Tracer tracer({}, sink, clock);
  auto tr = std::get<TaskRunRecord>(events[3].record);
  tr.completion = 0;
  tr.succeeded.reset();
  tr.meta.resource_version = "25";
  tracer.observe(events[0]);
  tracer.observe(events[1]);
  tracer.observe(events[2]);
  tracer.observe(ev(tr, kT0 + 6 * kSec));
  tracer.observe(events[4]);  // its pod
  EXPECT_EQ(sink.named("TaskRun build"), nullptr);
  tracer.observe(events[3]);
  EXPECT_NE(sink.named("TaskRun build"), nullptr);
}

TEST(TracerLive, AFinishedTaskRunWaitsForItsPodSoStepsGoUnderIt) {
  auto events = scenario();
  CollectingSink sink;
  ManualClock clock(kT0 + 100 * kSec);
  Tracer tracer({}, sink, clock);
  for (int i : {0, 1, 2, 3}) tracer.observe(events[i]);  // the TaskRun finished; its pod's watch lags
  EXPECT_EQ(sink.named("TaskRun build"), nullptr);
  tracer.observe(events[4]);
  const Span* pod = sink.named("Pod run-1-build-pod");
  const Span* step = sink.named("step test");
  ASSERT_TRUE(pod && step);
  EXPECT_EQ(step->parent_span_id, pod->span_id);
}

TEST(TracerLive, ATaskRunWhosePodNeverComesIsEmittedAfterTheWait) {
  auto events = scenario();
  CollectingSink sink;
  ManualClock clock(kT0);
  Tracer tracer({}, sink, clock);
  for (int i : {0, 1, 2, 3}) tracer.observe(events[i]);
  clock.set(kT0 + 6 * kSec + TracerOptions{}.parent_wait);
  tracer.tick();
  const Span* task = sink.named("TaskRun build");
  const Span* step = sink.named("step test");
  ASSERT_TRUE(task && step);
  EXPECT_EQ(step->parent_span_id, task->span_id);
}

}  // namespace
}  // namespace pipetrace
