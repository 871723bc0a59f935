// RecordingReader on real recordings: every watch stream in the fixtures,
// object dumps in JSON and YAML (Lists, bare arrays, multi-document YAML),
// and a mixed recording with damaged lines.
#include "sources/recording_reader.h"

#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "extract/object_extractor.h"
#include "fixture_support.h"
#include "model/time.h"

namespace pipetrace {
namespace {

using testing::CollectedRead;
using testing::fixture;
using testing::lines_of;
using testing::read_all;
using testing::read_fixture_file;
using testing::read_text;

// Counted the slow, independent way: each line parsed whole by nlohmann.
struct StreamCounts {
  std::map<std::string, std::size_t> by_type;
  std::vector<std::string> object_names;  // ADDED/MODIFIED/DELETED, in order
  std::vector<std::size_t> error_lines;
};

StreamCounts count_stream(const std::string& text) {
  StreamCounts counts;
  std::size_t line_number = 0;
  for (const std::string& line : lines_of(text)) {
    ++line_number;
    if (line.find_first_not_of(" \r") == std::string::npos) continue;
    nlohmann::json event = nlohmann::json::parse(line);
    std::string type = event.at("type");
    ++counts.by_type[type];
    if (type == "ERROR") counts.error_lines.push_back(line_number);
    if (type == "ADDED" || type == "MODIFIED" || type == "DELETED") {
      counts.object_names.push_back(event["object"]["metadata"].value("name", ""));
    }
  }
  return counts;
}

WatchType watch_type(const std::string& name) {
  if (name == "ADDED") return WatchType::Added;
  if (name == "MODIFIED") return WatchType::Modified;
  return WatchType::Deleted;
}

TEST(RecordingReader, EveryWatchStreamReadsWithTheRightCountsPerType) {
  std::size_t streams = 0;
  for (const auto& path : testing::files_in("watch")) {
    if (path.extension() != ".jsonl") continue;
    ++streams;
    SCOPED_TRACE(path.filename().string());
    StreamCounts expected = count_stream(read_all(path));
    CollectedRead read = read_fixture_file("watch/" + path.filename().string());

    EXPECT_EQ(read.summary.problems, 0u);
    EXPECT_EQ(read.summary.bookmarks, expected.by_type["BOOKMARK"]);
    EXPECT_EQ(read.summary.watch_errors, expected.by_type["ERROR"]);
    EXPECT_EQ(read.summary.events, read.events.size());
    std::size_t object_events = expected.by_type["ADDED"] + expected.by_type["MODIFIED"] + expected.by_type["DELETED"];
    // Endpoints and Services are read but not traced: counted as ignored.
    EXPECT_EQ(read.summary.events + read.summary.ignored, object_events);
    bool pods = path.filename().string().find("pods") != std::string::npos;
    if (pods) {
      EXPECT_EQ(read.summary.ignored, 0u);
      for (const char* type : {"ADDED", "MODIFIED", "DELETED"}) {
        EXPECT_EQ(read.count(watch_type(type)), expected.by_type[type]) << type;
      }
      auto records = read.records<PodRecord>();
      ASSERT_EQ(records.size(), expected.object_names.size());
      for (std::size_t i = 0; i < records.size(); ++i) {
        EXPECT_EQ(records[i]->meta.name, expected.object_names[i]);
        EXPECT_EQ(read.events[i].observed_at, 0);  // the API server does not say
      }
    } else {
      EXPECT_EQ(read.summary.ignored, object_events);
    }
  }
  EXPECT_EQ(streams, 9u);
}

TEST(RecordingReader, Error410LineIsReportedAsExpectedAndNotDelivered) {
  const std::string file = "watch/linkerd-endpoints-watch-then-410-gone.jsonl";
  StreamCounts expected = count_stream(read_all(fixture(file)));
  ASSERT_EQ(expected.error_lines.size(), 1u);
  CollectedRead read = read_fixture_file(file);
  ASSERT_EQ(read.problems.size(), 1u);
  const ReadProblem& p = read.problems.front();
  EXPECT_TRUE(p.expected);
  EXPECT_EQ(p.line, expected.error_lines.front());
  EXPECT_EQ(p.file, fixture(file).string());
  EXPECT_NE(p.reason.find("410"), std::string::npos) << p.reason;
  EXPECT_NE(p.reason.find("Gone"), std::string::npos) << p.reason;
  EXPECT_NE(p.reason.find("too old resource version"), std::string::npos) << p.reason;
  EXPECT_EQ(read.summary.watch_errors, 1u);
  EXPECT_EQ(read.summary.problems, 0u);
  EXPECT_EQ(read.count(WatchType::Error), 0u);
}

// Builds a recording from real lines plus damage, line by line.
struct MixedRecording {
  std::string text;
  std::size_t lines = 0;
  std::size_t add(const std::string& line) {
    text += line;
    text += '\n';
    return ++lines;
  }
};

TEST(RecordingReader, MixedRecordingYieldsEventsAndProblemsAtTheirLines) {
  auto pod_lines = lines_of(read_all(fixture("watch/v1-35-watch_event-watch_pods.jsonl")));
  ASSERT_GE(pod_lines.size(), 3u);
  nlohmann::json first_pod = nlohmann::json::parse(pod_lines[0]);
  nlohmann::json second_pod = nlohmann::json::parse(pod_lines[1]);
  nlohmann::json third_pod = nlohmann::json::parse(pod_lines[2]);

  MixedRecording rec;
  rec.add(pod_lines[0]);
  nlohmann::json push = {{"type", "WEBHOOK"},
                         {"source", "github"},
                         {"headers", {{"X-GitHub-Event", "push"}, {"X-GitHub-Delivery", "delivery-1"}}},
                         {"body", nlohmann::json::parse(read_all(fixture("webhooks/github/push.json")))},
                         {"observedAt", "2024-05-01T10:00:00.5Z"}};
  rec.add(push.dump());
  std::size_t truncated = rec.add(pod_lines[1].substr(0, pod_lines[1].size() / 2));
  std::size_t garbage = rec.add("this is not a recording line at all");
  rec.add("");
  nlohmann::json merge = {{"observedAt", "2024-05-01T10:00:01Z"},
                          {"type", "WEBHOOK"},
                          {"source", "gitlab"},
                          {"headers", {{"X-Gitlab-Event", {"Merge Request Hook"}}}},
                          {"body", read_all(fixture("webhooks/gitlab/pull_request_merge.json"))}};
  rec.add(merge.dump());
  std::size_t error_line = rec.add(
      R"json({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (2)","reason":"Expired","code":410}})json");
  rec.add(R"json({"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"9"}}})json");
  nlohmann::json modified = {{"type", "MODIFIED"}, {"object", second_pod["object"]}, {"observedAt", "2024-05-01T10:00:02Z"}};
  rec.add(modified.dump());
  std::size_t no_object = rec.add(R"json({"type":"DELETED"})json");
  rec.add(third_pod["object"].dump());
  std::size_t two_objects = rec.add(pod_lines[0] + pod_lines[0]);
  std::size_t bad_webhook = rec.add(R"json({"type":"WEBHOOK","source":"github","headers":{}})json");

  CollectedRead read = read_text(rec.text, "mixed.jsonl");

  ASSERT_EQ(read.events.size(), 5u);
  EXPECT_EQ(read.events[0].type, WatchType::Added);
  EXPECT_EQ(std::get<PodRecord>(read.events[0].record).meta.name, first_pod["object"]["metadata"]["name"]);

  EXPECT_EQ(read.events[1].type, WatchType::Webhook);
  EXPECT_EQ(read.events[1].observed_at, parse_time("2024-05-01T10:00:00.5Z").value());
  const auto& github = std::get<WebhookRecord>(read.events[1].record);
  EXPECT_EQ(github.event, "push");
  EXPECT_EQ(github.guid, "delivery-1");
  EXPECT_EQ(github.sha, "199eddf46df50de8d02e99bf1c5fdb4101338224");

  EXPECT_EQ(read.events[2].type, WatchType::Webhook);
  EXPECT_EQ(read.events[2].observed_at, parse_time("2024-05-01T10:00:01Z").value());
  const auto& gitlab = std::get<WebhookRecord>(read.events[2].record);
  EXPECT_EQ(gitlab.provider, "gitlab");
  EXPECT_EQ(gitlab.event, "pull_request");
  EXPECT_TRUE(gitlab.pr_merged);

  EXPECT_EQ(read.events[3].type, WatchType::Modified);
  EXPECT_EQ(read.events[3].observed_at, parse_time("2024-05-01T10:00:02Z").value());
  EXPECT_EQ(std::get<PodRecord>(read.events[3].record).meta.name, second_pod["object"]["metadata"]["name"]);

  // A plain object in a recording is an object that was there: ADDED, time unknown.
  EXPECT_EQ(read.events[4].type, WatchType::Added);
  EXPECT_EQ(read.events[4].observed_at, 0);
  EXPECT_EQ(std::get<PodRecord>(read.events[4].record).meta.name, third_pod["object"]["metadata"]["name"]);

  std::vector<std::size_t> problem_lines;
  for (const auto& p : read.problems) {
    EXPECT_EQ(p.file, "mixed.jsonl");
    EXPECT_FALSE(p.reason.empty());
    if (!p.expected) problem_lines.push_back(p.line);
  }
  EXPECT_EQ(problem_lines, (std::vector<std::size_t>{truncated, garbage, no_object, two_objects, bad_webhook}));
  EXPECT_EQ(read.summary.problems, 5u);
  EXPECT_EQ(read.summary.watch_errors, 1u);
  EXPECT_EQ(read.summary.bookmarks, 1u);
  EXPECT_EQ(read.summary.events, 5u);
  auto expected_problem = std::find_if(read.problems.begin(), read.problems.end(), [](auto& p) { return p.expected; });
  ASSERT_NE(expected_problem, read.problems.end());
  EXPECT_EQ(expected_problem->line, error_line);
  EXPECT_NE(expected_problem->reason.find("Expired"), std::string::npos);
}

TEST(RecordingReader, RecordingStartingWithDamagedLinesIsStillJsonLines) {
  auto pod_lines = lines_of(read_all(fixture("watch/v1-34-watch_event-watch_pods.jsonl")));
  std::string text = "garbage first\n" + pod_lines[0].substr(0, 100) + "\n" + pod_lines[0] + "\n" + pod_lines[1] + "\n";
  CollectedRead read = read_text(text);
  EXPECT_EQ(read.events.size(), 2u);
  ASSERT_EQ(read.problems.size(), 2u);
  EXPECT_EQ(read.problems[0].line, 1u);
  EXPECT_EQ(read.problems[1].line, 2u);
}

// A watch event's object is read in place into the event handed on; one
// with broken JSON inside (an invalid escape) is a problem naming the
// object, a kind pipetrace does not trace is counted, and neither stops the
// lines after them.
TEST(RecordingReader, WatchObjectsThatCannotBeTracedAreReportedOrCounted) {
  auto pod_lines = lines_of(read_all(fixture("watch/v1-34-watch_event-watch_pods.jsonl")));
  const std::string text =
      R"({"type":"MODIFIED","object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"build-pod","namespace":"jx"},)"
      R"("spec":{"nodeName":"node-\q"},"status":{"phase":"Running"}}})"
      "\n"
      R"({"type":"ADDED","object":{"apiVersion":"v1","kind":"Node","metadata":{"name":"node-a"}}})"
      "\n" +
      pod_lines[0] + "\n";
  CollectedRead read = read_text(text);
  ASSERT_EQ(read.events.size(), 1u);
  EXPECT_NE(std::get_if<PodRecord>(&read.events[0].record), nullptr);
  EXPECT_EQ(read.summary.ignored, 1u);
  ASSERT_EQ(read.problems.size(), 1u);
  EXPECT_EQ(read.problems[0].line, 1u);
  EXPECT_NE(read.problems[0].reason.find("Pod jx/build-pod"), std::string::npos) << read.problems[0].reason;
}

// Found by fuzzing: a line whose "type" is no watch type is looked at again
// as an object, and the second look finds broken JSON after the type. That
// is a problem on its line, and the lines around it are read.
TEST(RecordingReader, LineBrokenAfterAnUnknownTypeIsAProblemOnItsLine) {
  auto pod_lines = lines_of(read_all(fixture("watch/v1-34-watch_event-watch_pods.jsonl")));
  for (const char* broken : {R"({"type":"E,R"ROR"object":{"kind":"Status"}})", R"({"type":"Normal","kind"x:"Event"})",
                             R"({"type":"Normal","x":1,"items"[]})", R"({"type":"bad \q escape","kind":"Event"})"}) {
    const std::string text = pod_lines[0] + "\n" + broken + "\n" + pod_lines[1] + "\n";
    CollectedRead read = read_text(text);
    EXPECT_EQ(read.events.size(), 2u) << broken;
    ASSERT_EQ(read.problems.size(), 1u) << broken;
    EXPECT_EQ(read.problems[0].line, 2u);
    EXPECT_NE(read.problems[0].reason.find("malformed JSON"), std::string::npos) << read.problems[0].reason;
  }
}

TEST(RecordingReader, PodListJsonDocumentIsReadAsAddedPods) {
  for (const char* file : {"watch/v1-33-pod-list.json", "pods/k8s-openapi-v1-35-failed-job.podlist.json",
                           "pods/troubleshoot-sb-k3s-kube-system.podlist.json"}) {
    SCOPED_TRACE(file);
    nlohmann::json list = nlohmann::json::parse(read_all(fixture(file)));
    CollectedRead read = read_fixture_file(file);
    EXPECT_EQ(read.summary.problems, 0u);
    auto pods = read.records<PodRecord>();
    ASSERT_EQ(pods.size(), list["items"].size());
    for (std::size_t i = 0; i < pods.size(); ++i) {
      EXPECT_EQ(pods[i]->meta.name, list["items"][i]["metadata"]["name"]);
      EXPECT_EQ(read.events[i].type, WatchType::Added);
      EXPECT_EQ(read.events[i].observed_at, 0);
    }
  }
}

TEST(RecordingReader, BareJsonArrayAndKindlessListUseTheirHints) {
  nlohmann::json taskruns = nlohmann::json::parse(read_all(fixture("tekton/dashboard-v1beta1-failed.taskruns.json")));
  ASSERT_TRUE(taskruns.is_array());
  CollectedRead read = read_fixture_file("tekton/dashboard-v1beta1-failed.taskruns.json");
  auto records = read.records<TaskRunRecord>();
  ASSERT_EQ(records.size(), taskruns.size());
  for (std::size_t i = 0; i < records.size(); ++i) EXPECT_EQ(records[i]->meta.name, taskruns[i]["metadata"]["name"]);

  // A List whose kind was dropped, holding Events without kind of their own.
  nlohmann::json events = nlohmann::json::parse(read_all(fixture("events/troubleshoot-baseline-run-example.events.json")));
  CollectedRead event_read = read_fixture_file("events/troubleshoot-baseline-run-example.events.json");
  EXPECT_EQ(event_read.summary.problems, 0u);
  auto event_records = event_read.records<EventRecord>();
  ASSERT_EQ(event_records.size(), events["items"].size());
  EXPECT_EQ(event_records.front()->meta.name, events["items"][0]["metadata"]["name"]);
}

TEST(RecordingReader, ProblemsInsideAJsonArrayNameTheItemsLine) {
  std::string text = "[\n  {\"kind\": \"Pod\", \"apiVersion\": \"v1\", \"metadata\": {\"name\": \"a\"}},\n  42,\n"
                     "  {\"kind\": \"Pod\", \"apiVersion\": \"v1\", \"metadata\": {\"name\": \"b\"}}\n]\n";
  CollectedRead read = read_text(text);
  ASSERT_EQ(read.records<PodRecord>().size(), 2u);
  ASSERT_EQ(read.problems.size(), 1u);
  EXPECT_NE(read.problems[0].reason.find("not a JSON object"), std::string::npos);
}

TEST(RecordingReader, ConcatenatedJsonDocumentsAndATruncatedTail) {
  std::string pod = read_all(fixture("pods/k9s-po.json"));
  nlohmann::json parsed = nlohmann::json::parse(pod);
  std::string text = pod + "\n" + pod + "\n" + pod.substr(0, pod.size() / 2);
  CollectedRead read = read_text(text);
  auto pods = read.records<PodRecord>();
  ASSERT_EQ(pods.size(), 2u);
  EXPECT_EQ(pods[0]->meta.name, parsed["metadata"]["name"]);
  ASSERT_EQ(read.problems.size(), 1u);
  std::size_t pod_lines = lines_of(pod).size();
  EXPECT_EQ(read.problems[0].line, 2 * pod_lines + 1) << read.problems[0].reason;
}

// Counts the documents (and List items) of a YAML file with yaml-cpp, as a
// check independent of the reader's own splitting and conversion.
std::vector<std::string> yaml_object_names(const std::string& text) {
  std::vector<std::string> names;
  for (const YAML::Node& doc : YAML::LoadAll(text)) {
    if (!doc.IsMap()) continue;
    if (doc["items"] && doc["items"].IsSequence()) {
      for (const auto& item : doc["items"]) names.push_back(item["metadata"]["name"].as<std::string>());
    } else {
      names.push_back(doc["metadata"]["name"].as<std::string>());
    }
  }
  return names;
}

TEST(RecordingReader, MultiDocumentYamlIsReadDocumentByDocument) {
  for (const char* file : {"events/kspan/deploymentUpdateEvents.yaml", "events/kspan/fluxDeploymentUpdateEvents.yaml"}) {
    SCOPED_TRACE(file);
    std::string text = read_all(fixture(file));
    std::vector<std::string> names = yaml_object_names(text);
    ASSERT_GE(names.size(), 9u);
    CollectedRead read = read_fixture_file(file);
    EXPECT_EQ(read.summary.problems, 0u);
    auto events = read.records<EventRecord>();
    ASSERT_EQ(events.size(), names.size());
    for (std::size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i]->meta.name, names[i]);
  }
}

TEST(RecordingReader, YamlListsWithAndWithoutItemKinds) {
  for (const char* file : {"jx/tektonlog/cases/pods.yml", "jx/tektonlog/cases/multiple_stages/pods.yml",
                           "pods/jx-controller-completed-generated.pods.yaml"}) {
    SCOPED_TRACE(file);
    std::vector<std::string> names = yaml_object_names(read_all(fixture(file)));
    ASSERT_FALSE(names.empty());
    CollectedRead read = read_fixture_file(file);
    EXPECT_EQ(read.summary.problems, 0u);
    auto pods = read.records<PodRecord>();
    ASSERT_EQ(pods.size(), names.size());
    for (std::size_t i = 0; i < pods.size(); ++i) EXPECT_EQ(pods[i]->meta.name, names[i]);
  }
}

TEST(RecordingReader, BadYamlDocumentIsReportedAtItsLineAndTheOthersAreRead) {
  std::string pod = read_all(fixture("pods/pod-running-restart-never.yaml"));
  std::string text = pod + "---\n# a broken one\nmetadata: [unclosed\n  name: x\n---\n" + pod;
  CollectedRead read = read_text(text, "broken.yaml");
  EXPECT_EQ(read.records<PodRecord>().size(), 2u);
  ASSERT_EQ(read.problems.size(), 1u);
  EXPECT_EQ(read.problems[0].line, lines_of(pod).size() + 3);
  EXPECT_NE(read.problems[0].reason.find("YAML"), std::string::npos) << read.problems[0].reason;
}

TEST(RecordingReader, IgnoredKindsAreCountedNotDelivered) {
  CollectedRead read = read_fixture_file("jx/jx-controller-completed-generated.structures.yaml");
  EXPECT_EQ(read.events.size(), 0u);
  EXPECT_GT(read.summary.ignored, 0u);
  EXPECT_EQ(read.summary.problems, 0u);
}

// Each line's object is read into the record the previous line of its kind
// left behind; a field one object has and the next lacks must not survive
// into the next record. Every Event of the fixtures, each as a watch line,
// in both orders and with Pods between them, must read exactly as it does
// alone.
TEST(RecordingReader, ObjectsReadOneAfterAnotherReadAsTheyDoAlone) {
  std::vector<std::string> objects;
  for (const auto& path : testing::files_in("events")) {
    if (path.extension() != ".json") continue;
    nlohmann::json document = nlohmann::json::parse(read_all(path));
    if (document.contains("items")) {
      for (const auto& item : document["items"]) objects.push_back(item.dump());
    } else {
      objects.push_back(document.dump());
    }
  }
  for (const auto& line : lines_of(read_all(fixture("watch/v1-35-watch_event-watch_pods.jsonl")))) {
    nlohmann::json event = nlohmann::json::parse(line);
    if (event["type"] == "ADDED") objects.push_back(event["object"].dump());
  }
  ASSERT_GT(objects.size(), 20u);
  std::vector<std::string> in_order = objects;
  std::vector<std::string> reversed(objects.rbegin(), objects.rend());
  std::vector<std::string> interleaved;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    interleaved.push_back(objects[i]);
    interleaved.push_back(objects[objects.size() - 1 - i]);
  }
  for (const auto* order : {&in_order, &reversed, &interleaved}) {
    std::string text;
    for (const auto& object : *order) text += R"({"type":"MODIFIED","object":)" + object + "}\n";
    CollectedRead read = read_text(text, "stream.jsonl");
    ASSERT_EQ(read.problems.size(), 0u);
    ASSERT_EQ(read.events.size(), order->size());
    for (std::size_t i = 0; i < order->size(); ++i) {
      ExtractResult alone = extract_object_json((*order)[i]);
      ASSERT_TRUE(alone.record.has_value()) << (*order)[i];
      EXPECT_TRUE(read.events[i].record == *alone.record) << "line " << i + 1 << ": " << (*order)[i];
    }
  }
}

TEST(RecordingReader, EmptyInputAndMissingFile) {
  CollectedRead empty = read_text("  \n\n");
  EXPECT_EQ(empty.summary.events + empty.summary.problems + empty.summary.ignored, 0u);
  CollectedRead missing = read_fixture_file("watch/no-such-file.jsonl");
  EXPECT_EQ(missing.summary.problems, 1u);
  ASSERT_EQ(missing.problems.size(), 1u);
  EXPECT_NE(missing.problems[0].reason.find("cannot read"), std::string::npos);
}

}  // namespace
}  // namespace pipetrace
