// Inputs that are not what an extractor expects: truncated or invalid JSON,
// fields of the wrong type, deep nesting, non-objects, kinds we do not
// trace. Each gives an Error, an Ignored, or a partly filled record; none
// throws or crashes.
#include <gtest/gtest.h>

#include <random>

#include "fixture_objects.h"

namespace pipetrace {
namespace {

std::string first_watch_object(const std::string& file) {
  std::istringstream lines(testing::read_fixture(file));
  std::string line;
  std::getline(lines, line);
  return nlohmann::ordered_json::parse(line)["object"].dump();
}

TEST(MalformedInput, EveryTruncationOfARealPodIsAnError) {
  std::string pod = first_watch_object("watch/v1-35-watch_event-watch_pods.jsonl");
  ASSERT_EQ(extract_object_json(pod).status, ExtractStatus::Ok);
  std::size_t last_brace = pod.rfind('}');
  for (std::size_t length = 0; length < last_brace; length += 7) {
    ExtractResult result = extract_object_json(std::string_view(pod).substr(0, length));
    EXPECT_EQ(result.status, ExtractStatus::Error) << "truncated at " << length;
    EXPECT_FALSE(result.message.empty());
    EXPECT_FALSE(result.record.has_value());
  }
}

TEST(MalformedInput, ErrorNamesTheObjectWhenItsNameWasRead) {
  std::string text = R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"prod"},"status":{"phase":"Running","conditions":[{"type":)";
  ExtractResult result = extract_object_json(text);
  ASSERT_EQ(result.status, ExtractStatus::Error);
  EXPECT_NE(result.message.find("Pod prod/web-1"), std::string::npos) << result.message;
}

TEST(MalformedInput, WrongTypesLeaveFieldsEmptyAndKeepTheRest) {
  const char* json = R"({"apiVersion":"v1","kind":"Pod",
    "metadata":{"name":7,"namespace":["x"],"labels":5,"annotations":"a","ownerReferences":{"kind":"Job"},
                "creationTimestamp":12345,"uid":null},
    "spec":{"containers":[5,"x",null,{"name":"app","image":{"ref":"x"}}],"nodeName":true},
    "status":{"phase":"Running","startTime":"0002-01-01T00:00:00Z","conditions":[1,"x",null,{"type":"Ready","status":true}],
              "containerStatuses":[{"name":"app","restartCount":"3","state":{"terminated":{"exitCode":"137","startedAt":5,"finishedAt":"not a time"}}}]}})";
  ExtractResult result = extract_object_json(json);
  ASSERT_EQ(result.status, ExtractStatus::Ok) << result.message;
  const auto& pod = std::get<PodRecord>(*result.record);
  EXPECT_EQ(pod.meta.name, "7");
  EXPECT_EQ(pod.meta.ns, "");
  EXPECT_TRUE(pod.meta.labels.empty());
  EXPECT_TRUE(pod.meta.owners.empty());
  EXPECT_EQ(pod.meta.created, 0);
  EXPECT_EQ(pod.node_name, "true");
  EXPECT_EQ(pod.phase, "Running");
  EXPECT_EQ(pod.start, 0);  // a year nanoseconds since 1970 cannot hold
  ASSERT_EQ(pod.conditions.size(), 1u);
  EXPECT_EQ(pod.conditions[0].status, "true");
  ASSERT_EQ(pod.containers.size(), 1u);
  EXPECT_EQ(pod.containers[0].name, "app");
  EXPECT_EQ(pod.containers[0].image, "");
  EXPECT_EQ(pod.containers[0].exit_code, 137);
  EXPECT_EQ(pod.containers[0].restart_count, 3);
  EXPECT_EQ(pod.containers[0].start, 0);
  EXPECT_EQ(pod.containers[0].end, 0);
}

TEST(MalformedInput, WrongTypesInTektonAndLighthouseObjects) {
  ExtractResult run = extract_object_json(
      R"({"apiVersion":"tekton.dev/v1","kind":"TaskRun","metadata":"x","spec":[],"status":{"steps":{"a":1},"conditions":"Succeeded","podName":{"x":1}}})");
  ASSERT_EQ(run.status, ExtractStatus::Ok) << run.message;
  EXPECT_TRUE(std::get<TaskRunRecord>(*run.record).steps.empty());
  EXPECT_FALSE(std::get<TaskRunRecord>(*run.record).succeeded.has_value());

  ExtractResult pipeline = extract_object_json(
      R"({"apiVersion":"tekton.dev/v1","kind":"PipelineRun","status":{"taskRuns":[1],"childReferences":{"a":1},"startTime":1}})");
  ASSERT_EQ(pipeline.status, ExtractStatus::Ok) << pipeline.message;
  EXPECT_TRUE(std::get<PipelineRunRecord>(*pipeline.record).children.empty());

  ExtractResult job = extract_object_json(
      R"({"apiVersion":"lighthouse.jenkins.io/v1alpha1","kind":"LighthouseJob","spec":{"refs":{"pulls":[7,{"number":"12"}]}},"status":{"activity":{"stages":[null,{"name":"s","steps":[3]}]}}})");
  ASSERT_EQ(job.status, ExtractStatus::Ok) << job.message;
  const auto& record = std::get<LighthouseJobRecord>(*job.record);
  EXPECT_EQ(record.refs.pull_number, "12");
  ASSERT_EQ(record.stages.size(), 1u);
  EXPECT_TRUE(record.stages[0].steps.empty());
}

TEST(MalformedInput, DeepNestingNeverCrashes) {
  for (std::size_t depth : {100u, 2000u, 100000u}) {
    std::string nested = std::string(depth, '[') + std::string(depth, ']');
    for (const std::string& json : {R"({"kind":"Pod","metadata":{"name":"a"},"spec":)" + nested + "}",
                                    R"({"kind":"Pod","metadata":{"labels":{"a":)" + nested + "}}}",
                                    R"({"kind":"Pod","status":{"containerStatuses":)" + nested + "}}",
                                    nested}) {
      ExtractResult result = extract_object_json(json);
      EXPECT_NE(result.status, ExtractStatus::Ignored) << depth;
      if (result.status == ExtractStatus::Error) {
        EXPECT_FALSE(result.message.empty());
      }
    }
  }
  std::string objects;
  for (int i = 0; i < 5000; ++i) objects += R"({"a":)";
  objects += "1";
  objects += std::string(5000, '}');
  EXPECT_EQ(extract_object_json(objects).status, ExtractStatus::Error);
}

TEST(MalformedInput, NonObjectsAndUnrecognisableObjectsAreErrors) {
  for (const char* text : {"", "   ", "[1,2]", "\"Pod\"", "null", "42", "{}", R"({"foo":{"bar":1}})",
                           R"({"kind": tru})", "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"\xff\xfe\"}}", "{\"kind\""}) {
    ExtractResult result = extract_object_json(text);
    EXPECT_EQ(result.status, ExtractStatus::Error) << text;
    EXPECT_FALSE(result.message.empty()) << text;
  }
  EXPECT_NE(extract_object_json("[{}]").message.find("array"), std::string::npos);
}

TEST(MalformedInput, OtherKindsAreIgnoredWithTheirName) {
  struct Case {
    const char* json;
    const char* named;
  };
  for (const Case& c : {Case{R"({"apiVersion":"v1","kind":"Node","metadata":{"name":"n"}})", "Node (v1)"},
                        Case{R"({"kind":"PodList","apiVersion":"v1","items":[]})", "PodList"},
                        Case{R"({"apiVersion":"metrics.k8s.io/v1beta1","kind":"Pod"})", "metrics.k8s.io"},
                        Case{R"({"apiVersion":"example.com/v1","kind":"PipelineRun"})", "PipelineRun"},
                        Case{R"({"apiVersion":"v1","kind":"Status","code":410,"reason":"Gone"})", "Status"},
                        Case{R"({"kind":5})", "5"},
                        Case{R"({"apiVersion":"v1","items":[]})", "List"}}) {
    ExtractResult result = extract_object_json(c.json);
    EXPECT_EQ(result.status, ExtractStatus::Ignored) << c.json;
    EXPECT_NE(result.message.find(c.named), std::string::npos) << result.message;
  }
}

// Seeded byte mutations of real objects of every traced kind: whatever comes
// back, the result is consistent (a record exactly when Ok) and nothing
// crashes (the sanitizer build runs this too).
TEST(MalformedInput, MutatedRealObjectsNeverCrash) {
  std::vector<std::string> seeds;
  for (const char* file : {"jx/pipelines/cases/create/taskrun.yaml", "jx/pipelines/cases/merge/pipelinerun.yaml",
                           "jx/pipelines/cases/merge/expected.yaml", "lighthouse/foghorn-status-change.observed-lhjob.yaml",
                           "lighthouse/activity/successful_single_task/record.yaml",
                           "events/k8s-api-roundtrip-events.k8s.io.v1.Event.json"}) {
    seeds.push_back(testing::fixture_objects(file).at(0).json);
  }
  seeds.push_back(first_watch_object("watch/v1-35-watch_event-watch_pods.jsonl"));
  std::mt19937 random(20240501);
  const std::string noise = "{}[]\":,0-9etnul \\x";
  int ok = 0, errors = 0;
  for (const std::string& seed : seeds) {
    for (int round = 0; round < 300; ++round) {
      std::string mutated = seed;
      int edits = 1 + static_cast<int>(random() % 4);
      for (int e = 0; e < edits && !mutated.empty(); ++e) {
        std::size_t at = random() % mutated.size();
        switch (random() % 3) {
          case 0: mutated[at] = noise[random() % noise.size()]; break;
          case 1: mutated.erase(at, 1 + random() % 8); break;
          default: mutated.insert(at, 1, noise[random() % noise.size()]); break;
        }
      }
      ExtractResult result = extract_object_json(mutated, "ActivityRecord");
      EXPECT_EQ(result.record.has_value(), result.status == ExtractStatus::Ok);
      if (result.status != ExtractStatus::Ok) {
        EXPECT_FALSE(result.message.empty());
      }
      (result.status == ExtractStatus::Ok ? ok : errors)++;
    }
  }
  EXPECT_GT(ok, 0);  // many single-byte edits land in values that are still readable
  EXPECT_GT(errors, 0);
}

}  // namespace
}  // namespace pipetrace
