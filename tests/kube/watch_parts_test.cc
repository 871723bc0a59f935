// The watcher's parts on their own: backoff, relist differences, reading
// real watch streams and lists, paths, patch bodies, MicroTime.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include "kube/annotation_patch.h"
#include "kube/backoff.h"
#include "kube/lease_lock.h"
#include "kube/object_versions.h"
#include "kube/resource_kind.h"
#include "kube/watch_event.h"
#include "kube_test_support.h"

namespace pipetrace::kube {
namespace {

using kube_test::fixture;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(JitteredBackoff, GrowsDoublingWithinJitterUpToTheCapAndRepeatsForASeed) {
  BackoffPolicy policy{std::chrono::milliseconds(100), std::chrono::milliseconds(1000)};
  JitteredBackoff a(policy, 42), b(policy, 42), c(policy, 43);
  std::vector<long> seen_a, seen_c;
  long expected_base = 100;
  for (int i = 0; i < 8; ++i) {
    long d = a.next().count();
    EXPECT_EQ(d, b.next().count());
    seen_a.push_back(d);
    seen_c.push_back(c.next().count());
    EXPECT_GE(d, expected_base / 2) << "attempt " << i;
    EXPECT_LE(d, expected_base) << "attempt " << i;
    expected_base = std::min(expected_base * 2, 1000L);
  }
  EXPECT_NE(seen_a, seen_c);  // another seed, other delays
  a.reset();
  EXPECT_LE(a.next().count(), 100);
}

TEST(ObjectVersions, RelistReportsAddedModifiedUnchangedAndGone) {
  ObjectVersions versions;
  EXPECT_EQ(versions.observe({"a", "ns", "pa", "1"}), VersionChange::Added);
  EXPECT_EQ(versions.observe({"b", "ns", "pb", "2"}), VersionChange::Added);
  EXPECT_EQ(versions.observe({"c", "ns", "pc", "3"}), VersionChange::Added);
  EXPECT_EQ(versions.observe({"a", "ns", "pa", "1"}), VersionChange::Unchanged);
  versions.begin_relist();
  EXPECT_EQ(versions.observe_listed({"a", "ns", "pa", "1"}), VersionChange::Unchanged);
  EXPECT_EQ(versions.observe_listed({"b", "ns", "pb", "7"}), VersionChange::Modified);
  EXPECT_EQ(versions.observe_listed({"d", "ns", "pd", "8"}), VersionChange::Added);
  auto gone = versions.end_relist();
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].uid, "c");
  EXPECT_EQ(gone[0].name, "pc");
  EXPECT_EQ(versions.size(), 3u);
  EXPECT_TRUE(versions.known("b", "7"));
  EXPECT_TRUE(versions.forget("d"));
  EXPECT_FALSE(versions.forget("d"));
  // Objects without uid are keyed by namespace/name.
  EXPECT_EQ(ObjectVersions::key_of({"", "jx", "x", "1"}), "jx/x");
}

// Every line of the recorded streams reads, and agrees with a full parse.
TEST(WatchEventParser, ReadsRecordedStreamsIncludingBookmarksAndGone) {
  WatchEventParser parser;
  std::map<std::string, int> types;
  int gone = 0;
  for (const char* file : {"watch/v1-35-watch_event-watch_pods_without_initial_events.jsonl", "watch/linkerd-endpoints-watch-then-410-gone.jsonl",
                           "watch/linkerd-services-watch-with-deleted.jsonl"}) {
    std::istringstream lines(read_text(fixture(file)));
    for (std::string line; std::getline(lines, line);) {
      if (line.empty()) continue;
      WatchEventHeader header;
      std::string error;
      ASSERT_TRUE(parser.parse_event(line, header, error)) << file << ": " << error;
      auto full = nlohmann::json::parse(line);
      EXPECT_EQ(header.type, full["type"].get<std::string>());
      types[header.type]++;
      if (header.type == "ERROR") {
        EXPECT_EQ(header.status_code, full["object"]["code"].get<int>());
        if (header.status_code == 410) ++gone;
        continue;
      }
      const auto& meta = full["object"]["metadata"];
      EXPECT_EQ(header.object.resource_version, meta.value("resourceVersion", ""));
      EXPECT_EQ(header.object.uid, meta.value("uid", ""));
      EXPECT_EQ(header.object.name, meta.value("name", ""));
      EXPECT_EQ(header.object.ns, meta.value("namespace", ""));
    }
  }
  EXPECT_GT(types["ADDED"], 0);
  EXPECT_GT(types["MODIFIED"], 0);
  EXPECT_GT(types["DELETED"], 0);
  EXPECT_GT(types["BOOKMARK"], 0);
  EXPECT_EQ(gone, 1);
  WatchEventHeader header;
  std::string error;
  EXPECT_FALSE(parser.parse_event("{\"object\":{}}", header, error));
  EXPECT_FALSE(parser.parse_event("not json", header, error));
}

// A real PodList: every item's text is handed over exactly as in the body.
TEST(WatchEventParser, ListItemsComeOutAsTheirOwnText) {
  std::string body = read_text(fixture("watch/v1-35-pod-list.json"));
  auto full = nlohmann::json::parse(body);
  WatchEventParser parser;
  ListPage page;
  std::string error;
  std::vector<std::string> raws;
  std::vector<ObjectIdentity> ids;
  std::vector<bool> kinds;
  ASSERT_TRUE(parser.parse_list(
      body,
      [&](std::string_view raw, const ObjectIdentity& id, bool has_kind) {
        raws.emplace_back(raw);
        ids.push_back(id);
        kinds.push_back(has_kind);
      },
      page, error))
      << error;
  ASSERT_EQ(raws.size(), full["items"].size());
  EXPECT_EQ(page.resource_version, full["metadata"]["resourceVersion"].get<std::string>());
  EXPECT_EQ(page.list_kind, "PodList");
  for (std::size_t i = 0; i < raws.size(); ++i) {
    EXPECT_EQ(nlohmann::json::parse(raws[i]), full["items"][i]);
    EXPECT_NE(body.find(raws[i]), std::string::npos);
    EXPECT_EQ(ids[i].uid, full["items"][i]["metadata"]["uid"].get<std::string>());
    EXPECT_EQ(kinds[i], full["items"][i].contains("kind"));
  }
}

TEST(ResourceKinds, PathsAndSelection) {
  auto kinds = default_watched_kinds();
  ASSERT_EQ(kinds.size(), 6u);
  EXPECT_EQ(kinds[1].candidates[0].collection_path(""), "/apis/tekton.dev/v1/pipelineruns");
  EXPECT_EQ(kinds[4].candidates[0].collection_path("jx"), "/api/v1/namespaces/jx/pods");
  EXPECT_EQ(kinds[4].label_selector, "tekton.dev/taskRun");
  EXPECT_EQ(kinds[5].candidates[0].api_version(), "events.k8s.io/v1");
  EXPECT_EQ(kinds[5].candidates[1].api_version(), "v1");
  EXPECT_EQ(kinds[0].candidates[0].object_path("jx", "a b"), "/apis/lighthouse.jenkins.io/v1alpha1/namespaces/jx/lighthousejobs/a%20b");
  std::string error;
  auto some = select_watched_kinds({"pods", "pipelineruns", "pods"}, "app=x", error);
  ASSERT_TRUE(some.has_value());
  ASSERT_EQ(some->size(), 2u);
  EXPECT_EQ((*some)[0].label_selector, "app=x");
  EXPECT_FALSE(select_watched_kinds({"deployments"}, "", error).has_value());
  EXPECT_NE(error.find("pipelineactivities"), std::string::npos);
  EXPECT_EQ(url_encode("tekton.dev/taskRun in (a,b)"), "tekton.dev%2FtaskRun%20in%20%28a%2Cb%29");
}

TEST(AnnotationPatch, SetsAndRemovesOnlyTheNamedKeys) {
  EXPECT_EQ(annotations_merge_patch({{"pipetrace.dev/traceparent", "00-abc-def-01"}, {"old", std::nullopt}}),
            R"({"metadata":{"annotations":{"pipetrace.dev/traceparent":"00-abc-def-01","old":null}}})");
}

TEST(LeaseTimes, MicroTimeHasSixFractionalDigits) {
  EXPECT_EQ(format_micro_time(1700000000123456789LL), "2023-11-14T22:13:20.123456Z");
  EXPECT_EQ(format_micro_time(1700000000000000000LL), "2023-11-14T22:13:20.000000Z");
}

}  // namespace
}  // namespace pipetrace::kube
