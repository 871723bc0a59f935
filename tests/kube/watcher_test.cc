// The watcher against the test API server: initial lists, live changes,
// resume after dropped connections, 410 relists, deletions while away,
// absent CRDs, the Events fallback, pagination, bookmarks and namespaces.
#include <gtest/gtest.h>

#include <array>
#include <set>

#include "kube/cluster_watcher.h"
#include "kube_test_support.h"

namespace pipetrace::kube {
namespace {

using kube_test::eventually;
using kube_test::fixture;
using kube_test::SeenLine;
using kube_test::server_state;
using kube_test::WatchCollector;
using testing::Json;

class WatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::TestClusterOptions options;
    options.bookmark_interval = std::chrono::milliseconds(100);
    cluster_ = std::make_unique<testing::TestCluster>(options);
    ASSERT_EQ(cluster_->error(), "");
    kube_test::load_pipeline_fixtures(server());
    auto loaded = load_kubeconfig_files({cluster_->write_kubeconfig()}, "");
    ASSERT_TRUE(loaded.ok()) << loaded.error;
    config_ = *loaded.config;
    options_.backoff = {std::chrono::milliseconds(20), std::chrono::milliseconds(200)};
    options_.watch_timeout = std::chrono::seconds(30);
    options_.absent_kind_retry = std::chrono::milliseconds(300);
    options_.seed = 7;
  }
  void TearDown() override {
    if (watcher_) watcher_->stop();
  }

  testing::KubeApiServer& server() { return cluster_->server(); }

  void start(const std::vector<std::string>& kinds, std::string pod_selector = std::string(kDefaultPodSelector)) {
    std::string error;
    auto chosen = select_watched_kinds(kinds, pod_selector, error);
    ASSERT_TRUE(chosen.has_value()) << error;
    watcher_ = std::make_unique<ClusterWatcher>(config_, *chosen, options_, collector_.line_handler(),
                                                collector_.status_handler());
    watcher_->start();
  }

  // Waits until the watcher's view of `kind` equals the server's.
  void expect_converges(const std::string& kind, const std::string& group, const std::string& version,
                        const std::string& plural, const std::string& selector = "") {
    bool same = eventually([&] { return collector_.state_of(kind) == server_state(server(), group, version, plural, selector); });
    EXPECT_TRUE(same) << kind << ": the watcher has " << collector_.state_of(kind).size() << " objects, the server "
                      << server_state(server(), group, version, plural, selector).size();
  }

  Json pipeline_run(const std::string& name) {
    auto r = server().registry().find("tekton.dev", "v1", "pipelineruns");
    auto got = server().store().get(*r, "jx", name);
    EXPECT_EQ(got.status, 200) << name;
    return got.body;
  }

  // Changes a label of the PipelineRun: one MODIFIED event.
  void touch(const std::string& name, const std::string& value) {
    Json object = pipeline_run(name);
    object["metadata"]["labels"]["pipetrace.dev/touched"] = value;
    ASSERT_LT(server().apply(object).status, 300);
  }

  std::unique_ptr<testing::TestCluster> cluster_;
  KubeConfig config_;
  // A member, not a local of a test: the watcher's threads read it until TearDown stops them.
  ManualClock clock_;
  WatchOptions options_;
  WatchCollector collector_;
  std::unique_ptr<ClusterWatcher> watcher_;
};

const char* kRunA = "cb-kubecd-bdd-spring-1568135191-1";
const char* kRunB = "meta-cb-kubecd-bdd-spring-15681-1";
const char* kRunC = "main-rvs7k";

TEST_F(WatcherTest, ListsEveryKindThenFollowsLiveChanges) {
  // observedAt comes from the injected clock, never the wall clock.
  const TimeNs observed = 1700000000123456789LL;
  clock_.set(observed);
  options_.clock = &clock_;
  start({});
  for (const auto& [kind, group, version, plural] : std::vector<std::array<std::string, 4>>{
           {"lighthousejobs", "lighthouse.jenkins.io", "v1alpha1", "lighthousejobs"},
           {"pipelineruns", "tekton.dev", "v1", "pipelineruns"},
           {"taskruns", "tekton.dev", "v1", "taskruns"},
           {"pipelineactivities", "jenkins.io", "v1", "pipelineactivities"},
           {"events", "events.k8s.io", "v1", "events"}}) {
    expect_converges(kind, group, version, plural);
  }
  // Only CI pods: the argocd pod has no tekton.dev/taskRun label.
  expect_converges("pods", "", "v1", "pods", "tekton.dev/taskRun");
  EXPECT_EQ(collector_.state_of("pods").size(), 2u);
  EXPECT_EQ(collector_.state_of("pipelineruns").size(), 3u);
  for (const auto& line : collector_.lines()) {
    EXPECT_TRUE(line.from_list);
    EXPECT_EQ(line.type, "ADDED");
    // Core-group list items lack kind/apiVersion; the lines carry them.
    auto event = nlohmann::json::parse(line.json);
    EXPECT_TRUE(event["object"].contains("kind")) << line.json.substr(0, 120);
    EXPECT_TRUE(event["object"].contains("apiVersion"));
  }

  // A run plays out: its completed state arrives, then a new run, then a deletion.
  auto completed = kube_test::read_object_file(fixture("tekton/jx-controller-completed-generated.pipelineruns.yaml"));
  ASSERT_EQ(completed.objects.size(), 2u);
  ASSERT_LT(server().apply(completed.objects[0]).status, 300);
  Json fresh = completed.objects[1];
  fresh["metadata"]["name"] = "fresh-run";
  fresh["metadata"].erase("uid");
  ASSERT_EQ(server().apply(fresh).status, 201);
  auto pr = server().registry().find("tekton.dev", "v1", "pipelineruns");
  ASSERT_EQ(server().store().remove(*pr, "jx", kRunC).status, 200);

  ASSERT_TRUE(eventually([&] { return collector_.count("pipelineruns", "DELETED") == 1; }));
  auto live = collector_.lines_of("pipelineruns");
  ASSERT_EQ(live.size(), 6u);
  EXPECT_EQ(live[3].type, "MODIFIED");
  EXPECT_EQ(live[3].name, completed.objects[0]["metadata"]["name"].get<std::string>());
  EXPECT_EQ(live[4].type, "ADDED");
  EXPECT_EQ(live[4].name, "fresh-run");
  EXPECT_EQ(live[5].type, "DELETED");
  EXPECT_EQ(live[5].name, kRunC);
  for (const auto& line : collector_.lines(/*with_bookmarks=*/true)) EXPECT_EQ(line.observed_at, observed);
  for (std::size_t i = 3; i < live.size(); ++i) {
    EXPECT_FALSE(live[i].from_list);
    // Served at the watched version whatever version stored it.
    EXPECT_EQ(nlohmann::json::parse(live[i].json)["object"]["apiVersion"], "tekton.dev/v1");
  }
  expect_converges("pipelineruns", "tekton.dev", "v1", "pipelineruns");
}

TEST_F(WatcherTest, ResumesAfterDroppedConnectionsWithoutLossOrDuplicates) {
  start({"pipelineruns"});
  ASSERT_TRUE(eventually([&] { return collector_.count_status("pipelineruns", WatchState::Synced) == 1; }));
  std::int64_t listed_at = server().store().current_version();
  for (int round = 0; round < 4; ++round) {
    // Each round cuts a watch that is open, not one still reconnecting.
    ASSERT_TRUE(eventually([&] {
      auto stats = server().stats();
      return stats.watches == static_cast<std::size_t>(round + 1) && stats.open_watches == 1;
    }));
    for (int i = 0; i < 3; ++i) touch(kRunA, "r" + std::to_string(round) + "-a" + std::to_string(i));
    server().drop_watches();
    // These land while the watcher is reconnecting.
    touch(kRunB, "r" + std::to_string(round) + "-b");
    touch(kRunC, "r" + std::to_string(round) + "-c");
  }
  expect_converges("pipelineruns", "tekton.dev", "v1", "pipelineruns");

  // Exactly the server's history since the list, in order, once each.
  std::vector<std::pair<std::string, std::string>> expected, seen;
  for (const auto& event : server().store().history())
    if (event.resource == "tekton.dev/pipelineruns" && event.resource_version > listed_at)
      expected.emplace_back(event.type, event.object["metadata"]["resourceVersion"].get<std::string>());
  for (const auto& line : collector_.lines_of("pipelineruns"))
    if (!line.from_list) seen.emplace_back(line.type, line.resource_version);
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(expected.size(), 20u);
  EXPECT_EQ(server().stats().lists, 1u) << "a resume must not relist";
  EXPECT_EQ(collector_.count_status("pipelineruns", WatchState::Resuming), 4u);
}

class GoneTest : public WatcherTest, public ::testing::WithParamInterface<bool> {};

// A 410 mid-run (as the HTTP status, or as an ERROR event in a 200 stream)
// makes the watcher relist; it then emits only what changed.
TEST_P(GoneTest, RelistAfter410EmitsOnlyTheDifferences) {
  bool as_event = GetParam();
  start({"pipelineruns"});
  ASSERT_TRUE(eventually([&] { return collector_.count_status("pipelineruns", WatchState::Synced) == 1; }));
  std::size_t before = collector_.lines_of("pipelineruns").size();
  ASSERT_EQ(before, 3u);

  server().fail_next(testing::FaultTarget::Watch, 410, as_event, "pipelineruns");
  server().drop_watches();
  touch(kRunA, "changed-while-gone");
  ASSERT_TRUE(eventually([&] { return collector_.count_status("pipelineruns", WatchState::Synced) == 2; }));
  expect_converges("pipelineruns", "tekton.dev", "v1", "pipelineruns");

  auto lines = collector_.lines_of("pipelineruns");
  std::vector<SeenLine> after(lines.begin() + static_cast<long>(before), lines.end());
  std::vector<std::string> modified_names;
  for (const auto& l : after) {
    if (l.type == "ERROR") continue;
    EXPECT_EQ(l.type, "MODIFIED");
    modified_names.push_back(l.name);
  }
  // The touched run once, the untouched ones not at all.
  EXPECT_EQ(modified_names, std::vector<std::string>{kRunA});
  EXPECT_EQ(collector_.count_status("pipelineruns", WatchState::Relisting), 1u);
  EXPECT_EQ(server().stats().lists, 2u);
  EXPECT_EQ(collector_.count("pipelineruns", "ERROR"), as_event ? 1u : 0u);
}

INSTANTIATE_TEST_SUITE_P(StatusOrEvent, GoneTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "AsWatchErrorEvent" : "AsHttpStatus"; });

TEST_F(WatcherTest, ObjectDeletedWhileTheServerWasDownIsReportedDeleted) {
  start({"pipelineruns", "pods"});
  ASSERT_TRUE(eventually([&] { return collector_.count_status("pods", WatchState::Synced) == 1 &&
                                      collector_.count_status("pipelineruns", WatchState::Synced) == 1; }));
  int port = server().port();
  server().stop();
  // While it is down: a run is deleted, another changes, and the history is
  // compacted past the watcher's version, as a restarted etcd would have it.
  auto pr = server().registry().find("tekton.dev", "v1", "pipelineruns");
  std::string deleted_uid = pipeline_run(kRunB)["metadata"]["uid"];
  ASSERT_EQ(server().store().remove(*pr, "jx", kRunB).status, 200);
  touch(kRunA, "changed-while-down");
  server().compact();
  ASSERT_EQ(server().start(port), port);

  ASSERT_TRUE(eventually([&] { return collector_.count("pipelineruns", "DELETED") == 1; }));
  expect_converges("pipelineruns", "tekton.dev", "v1", "pipelineruns");
  expect_converges("pods", "", "v1", "pods", "tekton.dev/taskRun");
  for (const auto& line : collector_.lines_of("pipelineruns")) {
    if (line.type != "DELETED") continue;
    EXPECT_TRUE(line.deleted_while_away);
    EXPECT_TRUE(line.from_list);
    EXPECT_EQ(line.uid, deleted_uid);
    EXPECT_EQ(line.name, kRunB);
    EXPECT_EQ(line.ns, "jx");
  }
  EXPECT_EQ(collector_.count("pipelineruns", "MODIFIED"), 1u);
  EXPECT_EQ(collector_.count("pods", "MODIFIED") + collector_.count("pods", "DELETED"), 0u);
}

TEST_F(WatcherTest, UnreachableServerIsRetriedWithGrowingBackoffAndRecovers) {
  int port = server().port();
  server().stop();
  start({"pipelineruns"});
  ASSERT_TRUE(eventually([&] { return collector_.count_status("pipelineruns", WatchState::Retrying) >= 4; }));
  std::vector<std::chrono::milliseconds> delays;
  for (const auto& s : collector_.statuses()) {
    if (s.state != WatchState::Retrying) continue;
    EXPECT_NE(s.message.find("cannot reach the API server at https://127.0.0.1:" + std::to_string(port)),
              std::string::npos)
        << s.message;
    delays.push_back(s.retry_in);
  }
  // Jittered within [d/2, d] with d doubling: each delay is at least half the
  // next one's floor, and they grow to the cap.
  EXPECT_LE(delays[0].count(), 20);
  EXPECT_GE(delays[3].count(), 80);
  ASSERT_EQ(server().start(port), port);
  expect_converges("pipelineruns", "tekton.dev", "v1", "pipelineruns");
}

TEST_F(WatcherTest, AbsentCrdIsReportedOnceAndWatchedWhenInstalled) {
  server().withdraw("jenkins.io", "pipelineactivities");
  start({"pipelineactivities", "pipelineruns"});
  ASSERT_TRUE(eventually([&] { return collector_.count_status("pipelineactivities", WatchState::KindAbsent) == 1; }));
  expect_converges("pipelineruns", "tekton.dev", "v1", "pipelineruns");
  auto statuses = collector_.statuses();
  auto absent = std::find_if(statuses.begin(), statuses.end(),
                             [](const WatchStatus& s) { return s.state == WatchState::KindAbsent; });
  EXPECT_NE(absent->message.find("pipelineactivities (jenkins.io/v1)"), std::string::npos) << absent->message;
  EXPECT_NE(absent->message.find("CustomResourceDefinition"), std::string::npos) << absent->message;
  // Several slow retries later it has still been reported only once.
  ASSERT_TRUE(eventually([&] {
    std::size_t n = 0;
    for (const auto& line : server().request_log())
      if (line.find("/pipelineactivities?") != std::string::npos) ++n;
    return n >= 3;
  }));
  EXPECT_EQ(collector_.count_status("pipelineactivities", WatchState::KindAbsent), 1u);

  server().restore("jenkins.io", "pipelineactivities");
  ASSERT_TRUE(eventually([&] { return collector_.count_status("pipelineactivities", WatchState::KindServedAgain) == 1; }));
  expect_converges("pipelineactivities", "jenkins.io", "v1", "pipelineactivities");
  EXPECT_EQ(collector_.state_of("pipelineactivities").size(), 1u);
}

TEST_F(WatcherTest, EventsFallBackToCoreV1WhenEventsApiIsMissing) {
  server().withdraw("events.k8s.io", "events");
  start({"events"});
  expect_converges("events", "", "v1", "events");
  auto lines = collector_.lines_of("events");
  ASSERT_FALSE(lines.empty());
  for (const auto& line : lines) EXPECT_EQ(line.api_version, "v1");
  EXPECT_EQ(collector_.count_status("events", WatchState::KindAbsent), 0u);
}

TEST_F(WatcherTest, LargeListsArePaginated) {
  std::string error;
  ASSERT_GT(server().load_file(fixture("pods/troubleshoot-sb-k3s-kube-system.podlist.json"), error), 5u) << error;
  options_.page_size = 3;
  start({"pods"}, "");  // every pod
  expect_converges("pods", "", "v1", "pods");
  std::size_t pods = collector_.state_of("pods").size();
  std::size_t pages = 0, continued = 0;
  for (const auto& line : server().request_log()) {
    if (line.find("GET /api/v1/pods?") == std::string::npos || line.find("watch=") != std::string::npos) continue;
    ++pages;
    if (line.find("continue=") != std::string::npos) ++continued;
    EXPECT_NE(line.find("limit=3"), std::string::npos) << line;
  }
  EXPECT_EQ(pages, (pods + 2) / 3);
  EXPECT_EQ(continued, pages - 1);
}

TEST_F(WatcherTest, ExpiredContinueTokenRestartsTheListWithoutRepeats) {
  std::string error;
  ASSERT_GT(server().load_file(fixture("pods/troubleshoot-sb-k3s-kube-system.podlist.json"), error), 5u) << error;
  options_.page_size = 3;
  server().fail_next(testing::FaultTarget::List, 410, false, "pods", /*skip=*/1);
  start({"pods"}, "");
  expect_converges("pods", "", "v1", "pods");
  std::size_t pods = collector_.state_of("pods").size();
  EXPECT_EQ(collector_.count("pods", "ADDED"), pods) << "items of the first page must not repeat";
  std::size_t first_pages = 0;
  for (const auto& line : server().request_log())
    if (line.find("GET /api/v1/pods?") != std::string::npos && line.find("continue=") == std::string::npos &&
        line.find("watch=") == std::string::npos)
      ++first_pages;
  EXPECT_EQ(first_pages, 2u);
  EXPECT_EQ(server().stats().gone, 1u);
}

TEST_F(WatcherTest, WatchEndedByTheServerIsResumedWithoutRelisting) {
  options_.watch_timeout = std::chrono::seconds(1);
  start({"pipelineruns"});
  ASSERT_TRUE(eventually([&] { return server().stats().watches >= 2; }, std::chrono::seconds(5)));
  touch(kRunA, "after-timeout");
  ASSERT_TRUE(eventually([&] { return collector_.count("pipelineruns", "MODIFIED") == 1; }));
  EXPECT_EQ(server().stats().lists, 1u);
  bool resumed = false;
  for (const auto& s : collector_.statuses())
    if (s.state == WatchState::Resuming && s.message.find("ended; resuming at resourceVersion") != std::string::npos)
      resumed = true;
  EXPECT_TRUE(resumed);
  for (const auto& line : server().request_log()) {
    if (line.find("watch=") != std::string::npos) {
      EXPECT_NE(line.find("timeoutSeconds=1"), std::string::npos) << line;
    }
  }
}

TEST_F(WatcherTest, SlowServerTimesOutAndIsRetried) {
  options_.request_timeout = std::chrono::seconds(1);
  server().delay_responses(std::chrono::milliseconds(1500), 1);
  start({"pipelineruns"});
  expect_converges("pipelineruns", "tekton.dev", "v1", "pipelineruns");
  ASSERT_GE(collector_.count_status("pipelineruns", WatchState::Retrying), 1u);
  auto first = collector_.statuses().front();
  EXPECT_EQ(first.state, WatchState::Retrying);
  EXPECT_NE(first.message.find("did not answer in time"), std::string::npos) << first.message;
}

TEST_F(WatcherTest, NewResourceVersionHistoryRelistsAndReportsEveryObjectChanged) {
  start({"pipelineruns"});
  ASSERT_TRUE(eventually([&] { return collector_.count_status("pipelineruns", WatchState::Synced) == 1; }));
  server().new_history();
  ASSERT_TRUE(eventually([&] { return collector_.count_status("pipelineruns", WatchState::Synced) == 2; }));
  expect_converges("pipelineruns", "tekton.dev", "v1", "pipelineruns");
  // Same objects, new versions: each shows up once as MODIFIED, none as deleted.
  EXPECT_EQ(collector_.count("pipelineruns", "MODIFIED"), 3u);
  EXPECT_EQ(collector_.count("pipelineruns", "DELETED"), 0u);
  EXPECT_EQ(collector_.count_status("pipelineruns", WatchState::Relisting), 1u);
}

TEST_F(WatcherTest, BookmarksLetAWatchResumeAfterCompaction) {
  start({"pipelineruns", "pods"});
  ASSERT_TRUE(eventually([&] { return collector_.count_status("pipelineruns", WatchState::Synced) == 1; }));
  std::int64_t listed_at = server().store().current_version();
  // Other kinds move the global version on; pipelineruns only hear of it
  // through bookmarks.
  auto pods = kube_test::read_object_file(fixture("pods/jx-controller-running-generated.pods.yaml"));
  for (const auto& pod : pods.objects) ASSERT_LT(server().apply(pod).status, 300);
  std::int64_t moved_to = server().store().current_version();
  ASSERT_GT(moved_to, listed_at);
  ASSERT_TRUE(eventually([&] {
    for (const auto& line : collector_.lines_of("pipelineruns", /*with_bookmarks=*/true))
      if (line.type == "BOOKMARK" && std::stoll(line.resource_version) >= moved_to) return true;
    return false;
  }));
  server().compact();
  server().drop_watches();
  touch(kRunA, "after-compaction");
  ASSERT_TRUE(eventually([&] { return collector_.count("pipelineruns", "MODIFIED") == 1; }));
  EXPECT_EQ(server().stats().lists, 2u) << "one list per kind; the bookmark spared a relist";
  EXPECT_EQ(collector_.count_status("pipelineruns", WatchState::Relisting), 0u);
}

TEST_F(WatcherTest, NamespaceListLimitsWhatIsWatched) {
  options_.namespaces = {"argocd", "default"};
  start({"pods", "taskruns"}, "");
  ASSERT_TRUE(eventually([&] { return collector_.count_status("pods", WatchState::Synced) == 2 &&
                                      collector_.count_status("taskruns", WatchState::Synced) == 2; }));
  std::set<std::string> namespaces;
  for (const auto& line : collector_.lines()) namespaces.insert(line.ns);
  EXPECT_EQ(namespaces, (std::set<std::string>{"argocd", "default"}));
  EXPECT_EQ(collector_.state_of("pods").size(), 1u);      // the argocd pod; the jx pods are not watched
  EXPECT_EQ(collector_.state_of("taskruns").size(), 1u);  // the TaskRun without a namespace went to default
  for (const auto& line : server().request_log()) {
    if (line.find("/pods") != std::string::npos || line.find("/taskruns") != std::string::npos) {
      EXPECT_NE(line.find("/namespaces/"), std::string::npos) << line;
    }
  }
}

}  // namespace
}  // namespace pipetrace::kube
