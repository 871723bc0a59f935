// Recent records stay as they are until their place is needed; then the
// one put least recently is frozen and handed back to its resource, which
// reads the same record either way.
#include "link/recent_records.h"

#include <gtest/gtest.h>

#include <string>

namespace pipetrace {
namespace {

// What a resource holds of its newest record (the tracer's nodes hold the
// same two members).
struct Holder {
  FrozenRecord frozen;
  std::uint16_t place = RecentRecords::kNone;
};

PodRecord pod(const std::string& name, const std::string& phase) {
  PodRecord p;
  p.meta.kind = "Pod";
  p.meta.ns = "jx";
  p.meta.name = name;
  p.meta.uid = "0b6f3a52-6f1e-4c59-9d0e-5a7f3f6f0a1" + std::to_string(name.size() % 10);
  p.meta.labels = {{"tekton.dev/taskRun", name + "-run"}};
  p.phase = phase;
  p.containers = {StepRecord{"build", "step-build", "golang:1.22", "running", "", 5, 0, 0, "", ""}};
  return p;
}

ResourceRecord read(const RecentRecords& recent, const Holder& h) {
  ResourceRecord scratch;
  return recent.get(h.frozen, h.place, scratch);
}

TEST(RecentRecords, KeepsARecordUnfrozenWhileItHasAPlace) {
  FreezeTemplates templates;
  RecentRecords recent(2, templates);
  Holder a;
  recent.put(pod("a", "Pending"), a.frozen, a.place);
  EXPECT_NE(a.place, RecentRecords::kNone);
  EXPECT_TRUE(a.frozen.empty());
  EXPECT_TRUE(read(recent, a) == ResourceRecord(pod("a", "Pending")));
  EXPECT_TRUE(recent.holds<PodRecord>(a.frozen, a.place));
  EXPECT_FALSE(recent.holds<TaskRunRecord>(a.frozen, a.place));

  // A newer record of the same resource takes its place.
  const std::uint16_t place = a.place;
  recent.put(pod("a", "Running"), a.frozen, a.place);
  EXPECT_EQ(a.place, place);
  EXPECT_TRUE(read(recent, a) == ResourceRecord(pod("a", "Running")));
}

TEST(RecentRecords, TheLeastRecentlyPutIsFrozenWhenAPlaceIsNeeded) {
  FreezeTemplates templates;
  RecentRecords recent(2, templates);
  Holder a, b, c;
  recent.put(pod("a", "Pending"), a.frozen, a.place);
  recent.put(pod("bb", "Pending"), b.frozen, b.place);
  recent.put(pod("a", "Running"), a.frozen, a.place);  // now b was put least recently
  recent.put(pod("ccc", "Pending"), c.frozen, c.place);

  EXPECT_EQ(b.place, RecentRecords::kNone);
  ASSERT_FALSE(b.frozen.empty());
  EXPECT_TRUE(b.frozen.thaw() == ResourceRecord(pod("bb", "Pending")));
  EXPECT_TRUE(read(recent, b) == ResourceRecord(pod("bb", "Pending")));
  EXPECT_TRUE(recent.holds<PodRecord>(b.frozen, b.place));
  ResourceRecord scratch;
  EXPECT_EQ(std::get<PodRecord>(recent.get_metadata(b.frozen, b.place, scratch)).meta.name, "bb");

  EXPECT_NE(a.place, RecentRecords::kNone);
  EXPECT_NE(c.place, RecentRecords::kNone);
  EXPECT_NE(a.place, c.place);
  EXPECT_TRUE(read(recent, a) == ResourceRecord(pod("a", "Running")));
  EXPECT_TRUE(read(recent, c) == ResourceRecord(pod("ccc", "Pending")));

  // A frozen resource observed again gets a place back, and lets go of its
  // frozen form.
  recent.put(pod("bb", "Succeeded"), b.frozen, b.place);
  EXPECT_NE(b.place, RecentRecords::kNone);
  EXPECT_TRUE(b.frozen.empty());
  EXPECT_TRUE(read(recent, b) == ResourceRecord(pod("bb", "Succeeded")));
  EXPECT_EQ(a.place, RecentRecords::kNone);  // put before c
  EXPECT_TRUE(read(recent, a) == ResourceRecord(pod("a", "Running")));
}

TEST(RecentRecords, ADroppedPlaceIsFreeAgain) {
  FreezeTemplates templates;
  RecentRecords recent(1, templates);
  Holder a, b;
  recent.put(pod("a", "Pending"), a.frozen, a.place);
  recent.drop(a.place);
  EXPECT_EQ(a.place, RecentRecords::kNone);
  // The free place is taken without freezing anyone: `a` is gone, and
  // nothing may be written to it.
  recent.put(pod("bb", "Pending"), b.frozen, b.place);
  EXPECT_TRUE(a.frozen.empty());
  EXPECT_NE(b.place, RecentRecords::kNone);
  recent.drop(a.place);  // dropping twice is harmless
  EXPECT_TRUE(read(recent, b) == ResourceRecord(pod("bb", "Pending")));
}

TEST(RecentRecords, WithoutPlacesEveryRecordIsFrozenAtOnce) {
  FreezeTemplates templates;
  RecentRecords recent(0, templates);
  Holder a;
  recent.put(pod("a", "Pending"), a.frozen, a.place);
  EXPECT_EQ(a.place, RecentRecords::kNone);
  ASSERT_FALSE(a.frozen.empty());
  EXPECT_TRUE(read(recent, a) == ResourceRecord(pod("a", "Pending")));
}

}  // namespace
}  // namespace pipetrace
