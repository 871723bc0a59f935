// Inputs the fuzz targets (fuzz/, docs/fuzzing.md) found to break a parser,
// each reduced to what triggers it, with the behaviour the fix promises.
#include <gtest/gtest.h>

#include <string>

#include <simdjson.h>

#include "extract/object_extractor.h"
#include "sources/yaml_to_json.h"

namespace pipetrace {
namespace {

// fuzz_yaml_to_json: a byte that is not UTF-8 inside a YAML scalar (a real
// TaskRun fixture with two bytes flipped) used to pass into the JSON, which
// the extractors' parser then refused whole, losing the object.
TEST(FuzzRegressions, InvalidUtf8InAYamlScalarBecomesReplacementCharacters) {
  const std::string yaml =
      "apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata:\n  name: build-1\n"
      "status:\n  steps:\n  - name: git-source\n    imageID: \"docker-pulla\xe9\xe9" "e://ghcr.io/git-init\"\n"
      "    bad: [\"\xc0\xaf\", \"\xed\xa0\x80\", \"\xf4\x90\x80\x80\", \"\xe2\x82\"]\n"
      "    good: \"h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80\"\n";
  YamlConversion converted = yaml_to_json(yaml);
  ASSERT_EQ(converted.error, "");
  ASSERT_EQ(converted.documents.size(), 1u);
  const std::string& json = converted.documents[0];
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(json).get(root), simdjson::SUCCESS) << json;
  auto step = root["status"]["steps"].at(0);
  EXPECT_EQ(std::string(step["imageID"].get_string().value()), "docker-pulla\xef\xbf\xbd\xef\xbf\xbd" "e://ghcr.io/git-init");
  // Overlong, surrogate, past U+10FFFF, truncated: one U+FFFD per byte.
  EXPECT_EQ(std::string(step["bad"].at(0).get_string().value()), "\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(std::string(step["bad"].at(1).get_string().value()), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(std::string(step["bad"].at(2).get_string().value()), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(std::string(step["bad"].at(3).get_string().value()), "\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(std::string(step["good"].get_string().value()), "h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80");

  ExtractResult extracted = extract_object_json(json);
  ASSERT_EQ(extracted.status, ExtractStatus::Ok) << extracted.message;
  EXPECT_EQ(std::get<TaskRunRecord>(*extracted.record).meta.name, "build-1");
}

// fuzz_yaml_to_json: a GitHub webhook payload with a stretch cut out left a
// flow mapping followed by a comma. yaml-cpp 0.7 then reports the same empty
// document again and again without reading on, which hung the conversion
// (and grew its output) forever. The documents before it are kept.
TEST(FuzzRegressions, AStrayCommaAfterAFlowCollectionIsAnErrorNotAHang) {
  for (const std::string yaml : {"{},", "[],", "{\n    },", "kind: Pod\n---\n{\"a\": 1},\n"}) {
    YamlConversion converted = yaml_to_json(yaml);
    EXPECT_NE(converted.error, "") << yaml;
    EXPECT_NE(converted.error.find("unexpected character"), std::string::npos) << converted.error;
    EXPECT_LE(converted.documents.size(), 2u) << yaml;
  }
  YamlConversion kept = yaml_to_json("kind: Pod\n---\n{\"a\": 1},\n");
  ASSERT_FALSE(kept.documents.empty());
  EXPECT_EQ(kept.documents[0], "{\"kind\":\"Pod\"}");
}

}  // namespace
}  // namespace pipetrace
