// The tracer's frozen records give back exactly the record that was frozen:
// every object of every fixture, every webhook fixture and the examples'
// recordings, plus records whose every member is set. A field added to a
// record but not to record_members.h makes the real objects that fill it
// come back different here.
#include "link/frozen_record.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <limits>

#include "../extract/fixture_objects.h"
#include "extract/webhook_extractor.h"
#include "link/record_members.h"
#include "sources/recording_reader.h"

namespace pipetrace {
namespace {

void expect_round_trip(const ResourceRecord& record, const std::string& where) {
  FrozenRecord frozen(record);
  ASSERT_FALSE(frozen.empty());
  EXPECT_EQ(frozen.index(), record.index()) << where;
  EXPECT_TRUE(frozen.thaw() == record) << where;
}

TEST(FrozenRecord, EveryFixtureObjectComesBackUnchanged) {
  std::size_t records = 0;
  for (const std::string& file : testing::object_fixture_files()) {
    std::vector<testing::FixtureObject> objects;
    testing::load_fixture_objects(testing::fixtures_dir() / file, objects);
    for (const auto& object : objects) {
      ExtractResult result = extract_object_json(object.json, object.kind_hint);
      if (!result.record) continue;
      expect_round_trip(*result.record, object.where);
      ++records;
    }
  }
  EXPECT_GE(records, 300u);  // 343 when written
}

TEST(FrozenRecord, EveryWebhookFixtureComesBackUnchanged) {
  std::size_t records = 0;
  for (const char* folder : {"webhooks/github", "webhooks/gitlab", "github", "gitlab"}) {
    for (const auto& entry : std::filesystem::directory_iterator(testing::fixtures_dir() / folder)) {
      const std::filesystem::path& path = entry.path();
      std::string source = path.extension() == ".golden"                 ? "lighthouse"
                           : path.parent_path().filename() == "gitlab" ? "gitlab"
                                                                         : "github";
      ExtractResult result = extract_webhook(source, {}, testing::read_file(path));
      if (!result.record) continue;
      expect_round_trip(*result.record, path.string());
      ++records;
    }
  }
  EXPECT_GE(records, 100u);
}

TEST(FrozenRecord, TheExampleRecordingsComeBackUnchanged) {
  std::size_t records = 0;
  RecordingReader reader(
      [&](ObservedEvent&& e) {
        expect_round_trip(e.record, "example event " + std::to_string(records));
        ++records;
      },
      [](const ReadProblem& p) { ADD_FAILURE() << p.file << ":" << p.line << ": " << p.reason; });
  for (const char* example : {"passing", "failing"}) {
    reader.read_file(std::string(PIPETRACE_SOURCE_DIR) + "/examples/" + example + "/recording.jsonl");
  }
  EXPECT_GE(records, 80u);
}

// Sets every member to a value unlike its default, through the same
// member lists the codec uses, with extremes for numbers.
struct Filler {
  int n = 0;
  template <typename T>
  void operator()(T& v) {
    ++n;
    if constexpr (std::is_same_v<T, std::string>) {
      v = "value " + std::to_string(n) + std::string(static_cast<std::size_t>(n % 3) * 100, 'x') +
          std::string("\n\0\xc3\xa9", 4);
    } else if constexpr (std::is_same_v<T, bool>) {
      v = true;
    } else if constexpr (std::is_integral_v<T>) {
      v = n % 2 == 0 ? std::numeric_limits<T>::min() : std::numeric_limits<T>::max() - n;
    } else if constexpr (requires { v.emplace(); }) {
      (*this)(v.emplace());
    } else if constexpr (requires { v.emplace_back(); }) {
      (*this)(v.emplace_back());
      (*this)(v.emplace_back());
    } else if constexpr (requires { v.first; v.second; }) {
      (*this)(v.first);
      (*this)(v.second);
    } else {
      std::apply([this](auto&... member) { ((*this)(member), ...); }, members(v));
    }
  }
};

TEST(FrozenRecord, EveryMemberOfEveryKindSurvives) {
  auto each_kind = []<std::size_t... I>(std::index_sequence<I...>) {
    (
        [] {
          ResourceRecord record(std::in_place_index<I>);
          Filler fill;
          fill(std::get<I>(record));
          expect_round_trip(record, "kind " + std::to_string(I));
          // A record changed in any member no longer compares equal.
          ResourceRecord blank(std::in_place_index<I>);
          EXPECT_FALSE(FrozenRecord(blank).thaw() == record);
        }(),
        ...);
  };
  each_kind(std::make_index_sequence<std::variant_size_v<ResourceRecord>>());
}

TEST(FrozenRecord, KnowsItsKindWithoutThawing) {
  FrozenRecord pod(ResourceRecord(PodRecord{}));
  EXPECT_TRUE(pod.holds<PodRecord>());
  EXPECT_FALSE(pod.holds<TaskRunRecord>());
  EXPECT_FALSE(FrozenRecord().holds<PodRecord>());
}

}  // namespace
}  // namespace pipetrace

namespace pipetrace {
namespace {

std::vector<ResourceRecord> example_records() {
  std::vector<ResourceRecord> records;
  RecordingReader reader([&](ObservedEvent&& e) { records.push_back(std::move(e.record)); },
                         [](const ReadProblem&) {});
  for (const char* example : {"passing", "failing"}) {
    reader.read_file(std::string(PIPETRACE_SOURCE_DIR) + "/examples/" + example + "/recording.jsonl");
  }
  return records;
}

TEST(FrozenRecordTemplates, RecordsFrozenAgainstTemplatesComeBackUnchanged) {
  // Two recordings interleaved, every object twice: kinds and pipelines mix
  // as in a cluster, and later records find earlier ones to share with.
  std::vector<ResourceRecord> records = example_records();
  FreezeTemplates templates;
  std::vector<FrozenRecord> frozen;
  for (int pass = 0; pass < 2; ++pass) {
    for (const ResourceRecord& r : records) frozen.emplace_back(r, templates);
  }
  for (std::size_t i = 0; i < frozen.size(); ++i) {
    EXPECT_TRUE(frozen[i].thaw() == records[i % records.size()]) << "record " << i;
  }
}

TEST(FrozenRecordTemplates, ALikeRecordKeepsOnlyWhatDiffers) {
  std::vector<ResourceRecord> records = example_records();
  auto pod = std::find_if(records.begin(), records.end(),
                          [](const ResourceRecord& r) { return std::holds_alternative<PodRecord>(r); });
  ASSERT_NE(pod, records.end());
  PodRecord second = std::get<PodRecord>(*pod);
  second.meta.name += "-2";
  second.meta.uid = "0b8a2f9e-0000-4000-8000-000000000002";

  FreezeTemplates templates;
  FrozenRecord first_frozen(*pod, templates);
  FrozenRecord second_frozen{ResourceRecord(second), templates};
  FrozenRecord alone{ResourceRecord(second)};
  EXPECT_TRUE(second_frozen.thaw() == ResourceRecord(second));
  EXPECT_TRUE(first_frozen.thaw() == *pod);
  // The second holds its new name and uid, not the texts it shares.
  EXPECT_LT(second_frozen.size() + 2 * second.meta.uid.size() + second.meta.name.size(), alone.size());
}

TEST(FrozenRecordTemplates, AnUnlikeRecordStartsATemplateAndOldRecordsKeepTheirs) {
  FreezeTemplates templates;
  std::vector<ResourceRecord> records;
  std::vector<FrozenRecord> frozen;
  // More unlike pods than a kind has templates: the first templates are
  // replaced while records still refer to them.
  for (int i = 0; i < 3 * static_cast<int>(FreezeTemplates::kPerKind); ++i) {
    PodRecord p;
    p.meta.name = "pod-of-pipeline-" + std::to_string(i);
    p.meta.ns = "namespace-" + std::to_string(i);
    p.node_name = std::string(40, static_cast<char>('a' + i));
    records.emplace_back(p);
    frozen.emplace_back(records.back(), templates);
  }
  for (std::size_t i = 0; i < frozen.size(); ++i) EXPECT_TRUE(frozen[i].thaw() == records[i]) << i;
}

}  // namespace
}  // namespace pipetrace
