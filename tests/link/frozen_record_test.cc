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
#include <random>

#include "../extract/fixture_objects.h"
#include "extract/webhook_extractor.h"
#include "link/record_members.h"
#include "sources/recording_reader.h"

namespace pipetrace {
namespace {

// What thaw_metadata() gives back: the record's metadata in an otherwise
// empty record of its kind (the whole record for a kind without metadata).
ResourceRecord metadata_only(const ResourceRecord& record) {
  return std::visit([](const auto& r) -> ResourceRecord {
    using Record = std::decay_t<decltype(r)>;
    if constexpr (requires { r.meta; }) {
      Record only;
      only.meta = r.meta;
      return only;
    } else {
      return r;
    }
  }, record);
}

void expect_round_trip(const ResourceRecord& record, const std::string& where) {
  FrozenRecord frozen(record);
  ASSERT_FALSE(frozen.empty());
  EXPECT_EQ(frozen.index(), record.index()) << where;
  EXPECT_TRUE(frozen.thaw() == record) << where;
  EXPECT_TRUE(frozen.thaw_metadata() == metadata_only(record)) << where;
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
    EXPECT_TRUE(frozen[i].thaw_metadata() == metadata_only(records[i % records.size()])) << "record " << i;
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
    p.meta.name = std::string(20, static_cast<char>('a' + i)) + "-pod";
    p.meta.ns = std::string(10, static_cast<char>('A' + i));
    p.node_name = std::string(40, static_cast<char>('a' + i));
    records.emplace_back(p);
    frozen.emplace_back(records.back(), templates);
  }
  for (std::size_t i = 0; i < frozen.size(); ++i) {
    EXPECT_TRUE(frozen[i].thaw() == records[i]) << i;
    // Each is its own template: none of its texts written out.
    EXPECT_LT(frozen[i].size() + 40, FrozenRecord(records[i]).size()) << i;
  }
}

}  // namespace
}  // namespace pipetrace

namespace pipetrace {
namespace {

// A pod with the given name, uid and times, the rest like every other.
ResourceRecord pod_with(std::string name, std::string uid, TimeNs created, TimeNs start, TimeNs deleting) {
  PodRecord p;
  p.meta.ns = "jx";
  p.meta.name = std::move(name);
  p.meta.uid = std::move(uid);
  p.meta.created = created;
  p.meta.deleting = deleting;
  p.node_name = "gke-pr-5411-40-tekton-gk-default-pool-85b243e8-45r2";
  p.start = start;
  return p;
}

TEST(FrozenRecordForms, NamesUidsAndTimesOfEveryShapeComeBackExactly) {
  const TimeNs t = 1700000000123456789;
  const TimeNs big = std::numeric_limits<TimeNs>::max();
  const TimeNs small = std::numeric_limits<TimeNs>::min();
  FreezeTemplates templates;
  FrozenRecord first(pod_with("drone-test-go-pr-114-lint-vpvmv", "320753ec-90da-4f3b-6b71-1bfe84e557b5", t, t + 5, 0),
                     templates);
  for (const char* name : {"drone-test-go-pr-500-lint-vpvmv", "drone-test-go-pr-114-lint", "x-pr-114-lint-vpvmv",
                                  "drone-test-go-pr-114-lint-vpvmv-and-more", "", "d", "drone-test-go-pr-1114-lint-vpvmv"}) {
    for (const char* uid : {"320753ec-90da-4f3b-6b71-1bfe84e557b6", "320753EC-90DA-4F3B-6B71-1BFE84E557B6",
                                   "320753ec-90da-4f3b-6b71-1bfe84e557bg", "320753ec090da-4f3b-6b71-1bfe84e557b6",
                                   "320753ec-90da-4f3b-6b71-1bfe84e557b", "00000000-0000-0000-0000-000000000000"}) {
      for (const auto& [created, start, deleting] : std::vector<std::tuple<TimeNs, TimeNs, TimeNs>>{
               {t, t + 1, t - 1}, {t, 0, t}, {0, t, 0}, {big, small, big}, {-t, t, -1}, {1, t, 2}}) {
        const ResourceRecord record = pod_with(name, uid, created, start, deleting);
        FrozenRecord frozen(record, templates);
        EXPECT_TRUE(frozen.thaw() == record) << name << " " << uid << " " << created << " " << start;
      }
    }
  }
  EXPECT_TRUE(first.thaw() == pod_with("drone-test-go-pr-114-lint-vpvmv", "320753ec-90da-4f3b-6b71-1bfe84e557b5", t,
                                       t + 5, 0));
}

TEST(FrozenRecordForms, NamesSharingAnyStartAndEndComeBackExactly) {
  // Starts and ends are compared eight bytes at a time: every length
  // around the word boundaries, and middles that repeat the ends' bytes.
  std::mt19937 random(7);
  auto text = [&random](std::size_t n, char from) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += static_cast<char>(from + random() % 3);
    return out;
  };
  for (int i = 0; i < 2000; ++i) {
    const std::string start = text(random() % 20, 'a');
    const std::string end = text(random() % 20, 'a');
    const std::string name_a = start + text(random() % 12, 'a') + end;
    const std::string name_b = start + text(random() % 12, 'a') + end;
    FreezeTemplates templates;
    FrozenRecord first(pod_with(name_a, "", 0, 0, 0), templates);
    const ResourceRecord second = pod_with(name_b, "", 0, 0, 0);
    FrozenRecord frozen(second, templates);
    ASSERT_TRUE(frozen.thaw() == second) << name_a << " / " << name_b;
    ASSERT_TRUE(first.thaw() == pod_with(name_a, "", 0, 0, 0)) << name_a;
  }
}

TEST(FrozenRecordForms, WhatRunsShareIsWrittenSmall) {
  const TimeNs t = 1700000000123456789;
  FreezeTemplates templates;
  FrozenRecord first(pod_with("drone-test-go-pr-114-lint-vpvmv", "320753ec-90da-4f3b-6b71-1bfe84e557b5", t, t + 5, 0),
                     templates);
  const ResourceRecord next =
      pod_with("drone-test-go-pr-115-lint-vpvmv", "9c0d6a55-1e2f-4a3b-8c4d-5e6f7a8b9c0d", t + 60000000000, t + 61000000000, 0);
  const ResourceRecord upper =
      pod_with("drone-test-go-pr-115-lint-vpvmv", "9C0D6A55-1E2F-4A3B-8C4D-5E6F7A8B9C0D", t + 60000000000, t + 61000000000, 0);
  FrozenRecord frozen(next, templates);
  FrozenRecord frozen_upper(upper, templates);
  // A canonical uid takes its 16 bytes (plus a tag), not 36 (plus two); one that
  // would not thaw back the same is written out.
  EXPECT_EQ(frozen_upper.size() - frozen.size(), 36u + 2 - (16 + 1));
  // The name keeps only its middle; the second time only its distance to
  // the first; every other string is the template's.
  FrozenRecord alone(next);
  EXPECT_LT(frozen.size(), 1 + 16 + 1 + 8 + 9 + 5 + 20);
  EXPECT_LT(frozen.size() + 40, alone.size());
}

}  // namespace
}  // namespace pipetrace
