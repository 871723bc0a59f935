// The smaller pieces of the recording reader: form detection, YAML document
// splitting, kind hints from names, and event lines in unusual key orders.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fixture_support.h"
#include "model/time.h"
#include "sources/kind_hint.h"
#include "sources/recording_form.h"
#include "sources/yaml_documents.h"

namespace pipetrace {
namespace {

using testing::CollectedRead;
using testing::fixture;
using testing::lines_of;
using testing::read_all;
using testing::read_text;

TEST(RecordingForm, DetectedFromContent) {
  EXPECT_EQ(detect_recording_form(" \n\t\n"), RecordingForm::Empty);
  EXPECT_EQ(detect_recording_form(read_all(fixture("watch/v1-35-watch_event-watch_pods.jsonl"))),
            RecordingForm::JsonLines);
  // One object on one line, with no "type" of a recording: a JSON document.
  EXPECT_EQ(detect_recording_form(read_all(fixture("watch/v1-35-pod-list.json"))), RecordingForm::JsonDocuments);
  EXPECT_EQ(detect_recording_form(read_all(fixture("pods/k9s-po.json"))), RecordingForm::JsonDocuments);
  EXPECT_EQ(detect_recording_form(read_all(fixture("tekton/dashboard-v1beta1-failed.taskruns.json"))),
            RecordingForm::JsonDocuments);
  EXPECT_EQ(detect_recording_form(read_all(fixture("pods/pod-failed.yaml"))), RecordingForm::Yaml);
  // A core/v1 Event has a "type" too ("Normal"): not a recording line.
  nlohmann::json event = nlohmann::json::parse(read_all(fixture("events/k9s-ev.json")));
  EXPECT_EQ(detect_recording_form(event.dump()), RecordingForm::JsonDocuments);
  // Several plain objects, one per line, are read line by line.
  EXPECT_EQ(detect_recording_form(event.dump() + "\n" + event.dump() + "\n"), RecordingForm::JsonLines);
  EXPECT_EQ(detect_recording_form("not json\n{\"type\":\"WEBHOOK\",\"body\":{}}\n"), RecordingForm::JsonLines);
}

TEST(YamlDocuments, SplitAtMarkersWithTheLineEachStartsOn) {
  std::string text =
      "# leading comment\n"     // 1
      "a: 1\n"                  // 2
      "---\n"                   // 3
      "# only a comment\n"      // 4
      "---\n"                   // 5
      "\n"                      // 6
      "b: 2\n"                  // 7
      "...\n"                   // 8
      "%YAML 1.2\n"             // 9
      "--- {c: 3}\n"            // 10
      "---\n"                   // 11
      "d: |\n"                  // 12
      "  text --- inside\n";    // 13
  auto docs = split_yaml_documents(text);
  ASSERT_EQ(docs.size(), 4u);
  EXPECT_EQ(docs[0].first_line, 2u);
  EXPECT_EQ(docs[0].text, "# leading comment\na: 1\n");
  EXPECT_EQ(docs[1].first_line, 7u);
  EXPECT_EQ(docs[1].text, "---\n\nb: 2\n");
  EXPECT_EQ(docs[2].first_line, 10u);
  EXPECT_EQ(docs[2].text, "--- {c: 3}\n");
  EXPECT_EQ(docs[3].first_line, 12u);
  EXPECT_EQ(docs[3].text, "---\nd: |\n  text --- inside\n");
}

TEST(KindHint, FromFileNamesAndListKinds) {
  EXPECT_EQ(kind_hint_from_file_name("/x/tekton/dashboard-v1beta1-failed.taskruns.json"), "TaskRun");
  EXPECT_EQ(kind_hint_from_file_name("tekton/chains-v1-build.taskrun.json"), "TaskRun");
  EXPECT_EQ(kind_hint_from_file_name("lighthouse/controller/start-push/expected-pr.yml"), "PipelineRun");
  EXPECT_EQ(kind_hint_from_file_name("lighthouse/controller/start-push/observed-lhjob.yml"), "LighthouseJob");
  EXPECT_EQ(kind_hint_from_file_name("events/troubleshoot-baseline-default.eventlist.json"), "Event");
  EXPECT_EQ(kind_hint_from_file_name("lighthouse/activity/failed_single_task/record.yaml"), "ActivityRecord");
  EXPECT_EQ(kind_hint_from_file_name("events/troubleshoot-pod-init-crashloop-backoff.json"), "");
  EXPECT_EQ(kind_hint_from_file_name("watch/v1-35-pod-list.json"), "");
  EXPECT_EQ(item_kind_of_list("PodList"), "Pod");
  EXPECT_EQ(item_kind_of_list("List"), "");
  EXPECT_EQ(item_kind_of_list("Pod"), "");
}

TEST(RecordingReader, KindlessObjectsTakeTheirKindFromTheFileName) {
  CollectedRead read = testing::read_fixture_file("lighthouse/controller/start-push/expected-pr.yml");
  ASSERT_EQ(read.records<PipelineRunRecord>().size(), 1u);
  CollectedRead chains = testing::read_fixture_file("tekton/chains-v1-build.taskrun.json");
  ASSERT_EQ(chains.records<TaskRunRecord>().size(), 1u);
  EXPECT_EQ(chains.records<TaskRunRecord>()[0]->meta.name, "taskrun-build");
}

TEST(RecordingReader, EventLineWithObjectBeforeTypeAndAListLine) {
  auto pod_lines = lines_of(read_all(fixture("watch/v1-33-watch_event-watch_pods.jsonl")));
  nlohmann::json first = nlohmann::json::parse(pod_lines[0]);
  nlohmann::json second = nlohmann::json::parse(pod_lines[1]);
  // nlohmann orders keys alphabetically: "object" before "observedAt" before "type".
  nlohmann::json reordered = {{"type", "DELETED"}, {"object", first["object"]}, {"observedAt", "2025-01-02T03:04:05Z"}};
  nlohmann::json list = {{"kind", "PodList"}, {"apiVersion", "v1"}, {"items", {second["object"], first["object"]}}};
  list["items"][0].erase("kind");
  list["items"][0].erase("apiVersion");
  std::string text = reordered.dump() + "\n" + pod_lines[2] + "\n" + list.dump() + "\n";
  CollectedRead read = read_text(text);
  EXPECT_EQ(read.summary.problems, 0u);
  ASSERT_EQ(read.events.size(), 4u);
  EXPECT_EQ(read.events[0].type, WatchType::Deleted);
  EXPECT_EQ(read.events[0].observed_at, parse_time("2025-01-02T03:04:05Z").value());
  EXPECT_EQ(std::get<PodRecord>(read.events[0].record).meta.name, first["object"]["metadata"]["name"]);
  EXPECT_EQ(read.events[1].type, WatchType::Added);
  EXPECT_EQ(std::get<PodRecord>(read.events[2].record).meta.name, second["object"]["metadata"]["name"]);
  EXPECT_EQ(std::get<PodRecord>(read.events[3].record).meta.name, first["object"]["metadata"]["name"]);
}

TEST(RecordingReader, YamlBareSequenceOfObjects) {
  std::string pod = read_all(fixture("pods/pod-succeeded.yaml"));
  std::string event = read_all(fixture("events/kspan/pod0str.yaml"));
  std::string text;
  for (const std::string* doc : {&pod, &event}) {
    bool first = true;
    for (const std::string& line : lines_of(*doc)) {
      if (line.empty() || line[0] == '#') continue;
      text += (first ? "- " : "  ") + line + "\n";
      first = false;
    }
  }
  CollectedRead read = read_text(text, "sequence.yaml");
  EXPECT_EQ(read.summary.problems, 0u) << (read.problems.empty() ? "" : read.problems[0].reason);
  EXPECT_EQ(read.events.size(), 2u);
  EXPECT_EQ(read.records<PodRecord>().size(), 2u);  // pod0str.yaml holds a Pod as well
}

}  // namespace
}  // namespace pipetrace
