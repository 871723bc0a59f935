// yaml_to_json: YAML 1.2 core typing (timestamps stay strings), multiple
// documents, bare sequences, anchors, errors with line and column, and the
// fixtures' YAML files.
#include <gtest/gtest.h>

#include "fixture_objects.h"

namespace pipetrace {
namespace {

std::string only_document(const std::string& yaml) {
  YamlConversion converted = yaml_to_json(yaml);
  EXPECT_EQ(converted.error, "") << yaml;
  EXPECT_EQ(converted.documents.size(), 1u) << yaml;
  return converted.documents.empty() ? "" : converted.documents[0];
}

TEST(YamlToJson, UnquotedTimestampsStayStrings) {
  EXPECT_EQ(only_document("startedAt: 2020-09-20T11:28:55Z\nday: 2001-12-14\nspaced: 2001-12-14 21:59:43.10 -5\n"),
            R"({"startedAt":"2020-09-20T11:28:55Z","day":"2001-12-14","spaced":"2001-12-14 21:59:43.10 -5"})");
}

TEST(YamlToJson, ScalarsAreTypedByTheCoreSchema) {
  EXPECT_EQ(only_document("a: 1\nb: -12\nc: 1.5\nd: true\ne: False\nf: ~\ng:\nh: null\ni: \"1\"\nj: '2'\nk: !!str 3\n"
                          "l: 0o17\nm: 0x1F\nn: +5\no: 007\np: .5\nq: 1.\nr: .inf\ns: yes\nt: 1e3\nu: 0.0.1\nv: 1_000\n"),
            R"({"a":1,"b":-12,"c":1.5,"d":true,"e":false,"f":null,"g":null,"h":null,"i":"1","j":"2","k":"3",)"
            R"("l":15,"m":31,"n":5,"o":7,"p":0.5,"q":1,"r":".inf","s":"yes","t":1e3,"u":"0.0.1","v":"1_000"})");
}

TEST(YamlToJson, KeysAreAlwaysStringsAndOrderIsKept) {
  EXPECT_EQ(only_document("z: 1\n1: one\ntrue: yes\na: 2\n"), R"({"z":1,"1":"one","true":"yes","a":2})");
  EXPECT_EQ(only_document("? [a, b]\n: 1\n"), R"({"[\"a\",\"b\"]":1})");
}

TEST(YamlToJson, StringsAreEscaped) {
  EXPECT_EQ(only_document("m: |\n  line \"one\"\n  back\\slash\tend\nn: \"bell\\a\"\nu: héllo ✓\n"),
            "{\"m\":\"line \\\"one\\\"\\nback\\\\slash\\tend\\n\",\"n\":\"bell\\u0007\",\"u\":\"héllo ✓\"}");
}

TEST(YamlToJson, BareSequenceAndFlowCollections) {
  EXPECT_EQ(only_document("- a: 1\n- [x, {y: 2}]\n- plain\n"), R"([{"a":1},["x",{"y":2}],"plain"])");
  EXPECT_EQ(only_document("{}"), "{}");
  EXPECT_EQ(only_document("items: []\n"), R"({"items":[]})");
}

TEST(YamlToJson, MultipleDocumentsAndEmptyOnesSkipped) {
  YamlConversion converted = yaml_to_json("---\n---\na: 1\n---\n# only a comment\n---\n- b\n...\n");
  EXPECT_EQ(converted.error, "");
  ASSERT_EQ(converted.documents.size(), 2u);
  EXPECT_EQ(converted.documents[0], R"({"a":1})");
  EXPECT_EQ(converted.documents[1], R"(["b"])");
  EXPECT_TRUE(yaml_to_json("").documents.empty());
  EXPECT_EQ(yaml_to_json("").error, "");
}

TEST(YamlToJson, AnchorsAndAliasesAreExpanded) {
  EXPECT_EQ(only_document("base: &b {x: 1, y: [2]}\ncopy: *b\nname: &n web\nalso: *n\n"),
            R"({"base":{"x":1,"y":[2]},"copy":{"x":1,"y":[2]},"name":"web","also":"web"})");
}

TEST(YamlToJson, ParseErrorNamesLineAndColumn) {
  YamlConversion converted = yaml_to_json("a: 1\n---\nb: [1, 2\nc: d\n");
  EXPECT_NE(converted.error.find("line 4"), std::string::npos) << converted.error;
  EXPECT_NE(converted.error.find("column"), std::string::npos) << converted.error;
  ASSERT_EQ(converted.documents.size(), 1u);  // the good document before the bad one
  EXPECT_EQ(converted.documents[0], R"({"a":1})");

  EXPECT_NE(yaml_to_json("a: b: c\n").error.find("line 1"), std::string::npos);
  EXPECT_NE(yaml_to_json("a:\n  - x\n y: 2\n").error.find("line 3, column 2"), std::string::npos);
}

TEST(YamlToJson, DeepNestingAndAliasBombsAreErrorsNotCrashes) {
  EXPECT_NE(yaml_to_json(std::string(100000, '[')).error, "");
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char previous = 'a';
  for (char name = 'b'; name <= 'j'; ++name, ++previous) {
    bomb += std::string(1, name) + ": &" + name + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", *" : "*") + previous;
    bomb += "]\n";
  }
  YamlConversion converted = yaml_to_json(bomb);
  EXPECT_NE(converted.error.find("size limit"), std::string::npos) << converted.error;
}

TEST(YamlToJson, IndentedDocumentsFromAFixture) {
  YamlConversion converted = yaml_to_json(testing::read_fixture("events/kspan/fluxDeploymentUpdateEvents.yaml"));
  EXPECT_EQ(converted.error, "");
  ASSERT_FALSE(converted.documents.empty());
  for (const std::string& document : converted.documents) {
    auto parsed = nlohmann::json::parse(document);
    EXPECT_TRUE(parsed.is_object());
    EXPECT_TRUE(parsed.contains("kind"));
  }
}

TEST(YamlToJson, FixtureWithUnquotedTimestampsGivesParsableTimes) {
  auto objects = testing::fixture_objects("jx/tektonlog/cases/multiple_stages/pipelinerun.yml");
  ASSERT_FALSE(objects.empty());
  auto object = nlohmann::json::parse(objects[0].json);
  ASSERT_TRUE(object["status"]["startTime"].is_string()) << object["status"].dump().substr(0, 200);
  ExtractResult result = extract_object_json(objects[0].json, objects[0].kind_hint);
  ASSERT_EQ(result.status, ExtractStatus::Ok) << result.message;
  EXPECT_NE(std::get<PipelineRunRecord>(*result.record).start, 0);
}

TEST(YamlToJson, EveryFixtureYamlFileConverts) {
  std::size_t files = 0;
  for (const std::string& file : testing::object_fixture_files()) {
    if (!file.ends_with(".yaml") && !file.ends_with(".yml")) continue;
    ++files;
    YamlConversion converted = yaml_to_json(testing::read_fixture(file));
    EXPECT_EQ(converted.error, "") << file;
    for (const std::string& document : converted.documents) {
      EXPECT_TRUE(nlohmann::json::accept(document)) << file;
    }
  }
  EXPECT_GT(files, 50u);
}

}  // namespace
}  // namespace pipetrace
