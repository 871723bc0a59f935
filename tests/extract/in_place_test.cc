// extract_object on values inside a larger document, as the watch and list
// readers call it: a watch line's "object", each item of a List. The
// extractor rewinds the object it reads, so it must leave the enclosing
// iteration able to carry on, and key order must not matter.
#include <gtest/gtest.h>

#include "fixture_objects.h"

namespace pipetrace {
namespace {

namespace od = simdjson::ondemand;

std::string identity(const ExtractResult& result) {
  if (!result.record) return "<" + result.message + ">";
  return std::visit(
      [](const auto& record) -> std::string {
        if constexpr (requires { record.meta; }) {
          return record.meta.kind + " " + record.meta.ns + "/" + record.meta.name + "@" + record.meta.resource_version;
        } else {
          return "other";
        }
      },
      *result.record);
}

TEST(InPlaceExtraction, WatchLinesObjectMatchesStandaloneExtraction) {
  od::parser parser;
  std::size_t lines_seen = 0;
  for (const char* file : {"watch/v1-35-watch_event-watch_pods.jsonl", "watch/v1-33-watch_event-watch_pods.jsonl",
                           "watch/linkerd-endpoints-watch-then-410-gone.jsonl"}) {
    std::istringstream lines(testing::read_fixture(file));
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty()) continue;
      ++lines_seen;
      simdjson::padded_string padded(line);
      od::document document = parser.iterate(padded);
      od::value object = document.find_field_unordered("object");
      ExtractResult in_place = extract_object(object);
      ExtractResult standalone = extract_object_json(nlohmann::ordered_json::parse(line)["object"].dump());
      EXPECT_EQ(in_place.status, standalone.status) << line.substr(0, 120);
      EXPECT_EQ(identity(in_place), identity(standalone));
    }
  }
  EXPECT_GE(lines_seen, 15u);
}

TEST(InPlaceExtraction, ListItemsExtractOneAfterAnother) {
  for (const char* file : {"watch/v1-35-pod-list.json", "pods/troubleshoot-sb-k3s-kube-system.podlist.json",
                           "events/troubleshoot-sb-k3s-default.eventlist.json"}) {
    std::vector<std::string> expected;
    for (const auto& object : testing::fixture_objects(file)) {
      expected.push_back(identity(extract_object_json(object.json, object.kind_hint)));
    }
    simdjson::padded_string text(testing::read_fixture(file));
    od::parser parser;
    od::document document = parser.iterate(text);
    std::string list_kind;
    std::vector<std::string> seen;
    for (auto field : document.get_object()) {
      std::string_view key = field.unescaped_key();
      if (key == "kind") list_kind = std::string(std::string_view(field.value().get_string()));
      if (key != "items") continue;
      for (auto item : field.value().get_array()) seen.push_back(identity(extract_object(item.value(), list_kind)));
    }
    EXPECT_EQ(seen, expected) << file;
    EXPECT_GE(seen.size(), 2u);
    for (const std::string& id : seen) EXPECT_NE(id[0], '<') << id;
  }
}

TEST(InPlaceExtraction, IgnoredAndUnrecognisedItemsDoNotDisturbTheNextOne) {
  simdjson::padded_string text(std::string(R"([
    {"kind":"Node","apiVersion":"v1","metadata":{"name":"n1","labels":{"a":"b"}},"status":{"conditions":[{"type":"Ready"}]}},
    {"kind":"Pod","apiVersion":"v1","metadata":{"name":"p1"},"status":{"phase":"Running"}},
    {"spec":{"replicas":3},"status":{"readyReplicas":[1,{"x":[2]}]}},
    {"apiVersion":"v1","metadata":{"name":"p2"},"kind":"Pod","spec":{"containers":[{"name":"c","image":"i","env":[{"name":"A"}]}]}},
    {"kind":"Service","apiVersion":"v1","metadata":{"name":"s1"},"spec":{"ports":[{"port":80}]}},
    {"kind":"Event","apiVersion":"events.k8s.io/v1","metadata":{"name":"e1"},"regarding":{"name":"p2"},"note":"hi"}
  ])"));
  od::parser parser;
  od::document document = parser.iterate(text);
  std::vector<std::string> seen;
  for (auto item : document.get_array()) seen.push_back(identity(extract_object(item.value())));
  ASSERT_EQ(seen.size(), 6u);
  EXPECT_EQ(seen[0], "<ignored Node (v1): not a kind pipetrace traces>");
  EXPECT_EQ(seen[1], "Pod /p1@");
  EXPECT_EQ(seen[2], "<object has no apiVersion/kind and its fields match no kind pipetrace reads>");
  EXPECT_EQ(seen[3], "Pod /p2@");
  EXPECT_EQ(seen[4], "<ignored Service (v1): not a kind pipetrace traces>");
  EXPECT_EQ(seen[5], "Event /e1@");
}

TEST(InPlaceExtraction, KindAfterSpecAndStatusGivesTheSameRecord) {
  for (const char* file : {"jx/pipelines/cases/create/taskrun.yaml", "jx/pipelines/cases/merge/pipelinerun.yaml",
                           "lighthouse/foghorn-status-change.observed-lhjob.yaml"}) {
    auto objects = testing::fixture_objects(file);
    ASSERT_FALSE(objects.empty());
    auto original = nlohmann::ordered_json::parse(objects[0].json);
    nlohmann::ordered_json reordered;
    for (auto& [key, value] : original.items()) {
      if (key != "kind" && key != "apiVersion") reordered[key] = value;
    }
    reordered["kind"] = original["kind"];
    reordered["apiVersion"] = original["apiVersion"];
    ExtractResult first = extract_object_json(objects[0].json);
    ExtractResult last = extract_object_json(reordered.dump());
    ASSERT_EQ(first.status, ExtractStatus::Ok);
    ASSERT_EQ(last.status, ExtractStatus::Ok) << last.message;
    EXPECT_EQ(identity(first), identity(last));
    if (auto* run = std::get_if<TaskRunRecord>(&*last.record)) {
      EXPECT_EQ(run->steps.size(), std::get<TaskRunRecord>(*first.record).steps.size());
    }
    if (auto* job = std::get_if<LighthouseJobRecord>(&*last.record)) {
      EXPECT_EQ(job->stages.size(), 1u);
      EXPECT_EQ(job->refs.pull_number, "813");
    }
  }
}

}  // namespace
}  // namespace pipetrace
