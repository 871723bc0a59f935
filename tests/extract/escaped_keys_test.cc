// Field names written with JSON escapes. Extractors match field names on
// their bytes as written (as simdjson's raw_json_string comparison does), so
// an escaped spelling of a name we read ("na\u006de") is a different field;
// map keys that are data (labels, annotations) are unescaped. Either way the
// object stays readable and nothing is mistaken for the field it is not.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "extract/object_extractor.h"

namespace pipetrace {
namespace {

PodRecord read_pod(const std::string& json) {
  ExtractResult result = extract_object_json(json);
  EXPECT_EQ(result.status, ExtractStatus::Ok) << result.message;
  if (!result.record || !std::holds_alternative<PodRecord>(*result.record)) return {};
  return std::get<PodRecord>(*result.record);
}

TEST(EscapedKeys, AnEscapedSpellingOfAFieldNameIsAnotherField) {
  PodRecord pod = read_pod(
      R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","na\u006de":"not-the-name",)"
      R"("namespace\\":"not-the-namespace","namespace":"prod","u\"id":"not-the-uid","uid":"u-1"},)"
      R"("status":{"ph\u0061se":"Failed","phase":"Running"}})");
  EXPECT_EQ(pod.meta.name, "web-1");
  EXPECT_EQ(pod.meta.ns, "prod");
  EXPECT_EQ(pod.meta.uid, "u-1");
  EXPECT_EQ(pod.phase, "Running");
}

TEST(EscapedKeys, AnEscapedFieldNameAloneLeavesTheFieldEmpty) {
  PodRecord pod = read_pod(R"({"apiVersion":"v1","kind":"Pod","metadata":{"na\u006de":"web-1","uid":"u-1"}})");
  EXPECT_EQ(pod.meta.name, "");
  EXPECT_EQ(pod.meta.uid, "u-1");
}

TEST(EscapedKeys, LabelAndAnnotationKeysAreUnescaped) {
  PodRecord pod = read_pod(
      R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1",)"
      R"("labels":{"tekton.dev\/pipelineTask":"web","tekton.dev\u002ftask":"build","event\u002DGUID":"g-1"},)"
      R"("annotations":{"tekton.dev\/ready":"READY","other\/x":"y"}}})");
  ASSERT_EQ(pod.meta.labels.size(), 3u);
  EXPECT_EQ(pod.meta.labels[0], (std::pair<std::string, std::string>{"tekton.dev/pipelineTask", "web"}));
  EXPECT_EQ(pod.meta.labels[1], (std::pair<std::string, std::string>{"tekton.dev/task", "build"}));
  EXPECT_EQ(pod.meta.labels[2], (std::pair<std::string, std::string>{"event-GUID", "g-1"}));
  ASSERT_EQ(pod.meta.annotations.size(), 1u);
  EXPECT_EQ(pod.meta.annotations[0], (std::pair<std::string, std::string>{"tekton.dev/ready", "READY"}));
}

TEST(EscapedKeys, LabelValuesOfOtherTypesReadAsTheirText) {
  PodRecord pod = read_pod(
      R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1",)"
      R"("labels":{"tekton.dev/build":42,"tekton.dev/ready":true,"tekton.dev/gone":null,)"
      R"("tekton.dev/nested":{"a":1},"tekton.dev/list":[1],"tekton.dev/text":"a\"b"}}})");
  KeyValues expected{{"tekton.dev/build", "42"},  {"tekton.dev/ready", "true"}, {"tekton.dev/gone", ""},
                     {"tekton.dev/nested", ""}, {"tekton.dev/list", ""},    {"tekton.dev/text", "a\"b"}};
  EXPECT_EQ(pod.meta.labels, expected);
}

}  // namespace
}  // namespace pipetrace
