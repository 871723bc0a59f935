// Every object of every fixture file under tekton/, jx/, lighthouse/, pods/,
// events/ and watch/ extracts to the record of its kind, or is Ignored when
// pipetrace does not trace its kind; none is an Error. The file list is
// walked at start, so a new fixture is covered without editing this test.
#include <gtest/gtest.h>

#include <map>

#include "fixture_objects.h"

namespace pipetrace {
namespace {

using testing::FixtureObject;

// The record alternative each traced kind must produce.
const std::map<std::string, std::size_t>& traced_kinds() {
  static const std::map<std::string, std::size_t> kinds = {
      {"LighthouseJob", 1}, {"PipelineRun", 2}, {"TaskRun", 3}, {"PipelineActivity", 4},
      {"ActivityRecord", 5}, {"Pod", 6},        {"Event", 7},
  };
  return kinds;
}

static_assert(std::is_same_v<std::variant_alternative_t<1, ResourceRecord>, LighthouseJobRecord>);
static_assert(std::is_same_v<std::variant_alternative_t<5, ResourceRecord>, LighthouseActivityRecord>);
static_assert(std::is_same_v<std::variant_alternative_t<7, ResourceRecord>, EventRecord>);

class FixtureFile : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureFile, EveryObjectExtractsToItsKindOrIsIgnored) {
  std::vector<FixtureObject> objects;
  std::string problem = testing::load_fixture_objects(testing::fixtures_dir() / GetParam(), objects);
  ASSERT_EQ(problem, "") << GetParam();
  ASSERT_FALSE(objects.empty()) << GetParam() << " holds no object";
  for (const FixtureObject& object : objects) {
    SCOPED_TRACE(object.where);
    ASSERT_NE(object.expected_kind, "") << "the test cannot tell what this object is; name the file after its kind";
    ExtractResult result = extract_object_json(object.json, object.kind_hint);
    auto traced = traced_kinds().find(object.expected_kind);
    if (traced == traced_kinds().end()) {
      EXPECT_EQ(result.status, ExtractStatus::Ignored) << result.message;
      EXPECT_NE(result.message.find(object.expected_kind), std::string::npos) << result.message;
      EXPECT_FALSE(result.record.has_value());
      continue;
    }
    ASSERT_EQ(result.status, ExtractStatus::Ok) << result.message;
    ASSERT_TRUE(result.record.has_value());
    EXPECT_EQ(result.record->index(), traced->second) << object.expected_kind;
  }
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name;
  for (char c : info.param) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FixtureFile, ::testing::ValuesIn(testing::object_fixture_files()), test_name);

TEST(FixtureWalk, CoversEveryFolderAndKind) {
  std::map<std::string, int> kinds;
  std::size_t files = 0;
  for (const std::string& file : testing::object_fixture_files()) {
    ++files;
    std::vector<FixtureObject> objects;
    testing::load_fixture_objects(testing::fixtures_dir() / file, objects);
    for (const FixtureObject& object : objects) ++kinds[object.expected_kind];
  }
  EXPECT_GE(files, 100u);
  for (const auto& [kind, index] : traced_kinds()) EXPECT_GT(kinds[kind], 0) << "no fixture object of kind " << kind;
  EXPECT_GT(kinds["Status"], 0);  // the watch stream's in-band 410 Gone
  EXPECT_GT(kinds["Endpoints"], 0);
}

}  // namespace
}  // namespace pipetrace
