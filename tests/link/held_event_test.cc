// The tracer's compact storage of Kubernetes Events (HeldEvent) and the
// string pool behind it: what is held must read back exactly as observed,
// since span order and attributes depend on it.
#include "link/held_event.h"

#include <gtest/gtest.h>

#include "link/string_pool.h"
#include "pulled_event.h"

namespace pipetrace {
namespace {

const std::string& kPod = testing::kBuildPod;

EventRecord event(std::string name, std::string rv, TimeNs last = 0) {
  return testing::pulled_event(std::move(name), std::move(rv), 5, last, 2);
}

TEST(StringPool, SharesTextsAndDropsThemWithTheirLastHolder) {
  StringPool pool;
  EXPECT_EQ(pool.acquire(""), StringPool::kEmpty);
  StringPool::Id a = pool.acquire("Created container step-build");
  EXPECT_EQ(pool.acquire("Created container step-build"), a);
  EXPECT_EQ(pool.view(a), "Created container step-build");
  EXPECT_EQ(pool.size(), 1u);
  pool.release(a);
  EXPECT_EQ(pool.size(), 1u);
  pool.release(a);
  EXPECT_EQ(pool.size(), 0u);
  EXPECT_EQ(pool.view(a), "");
  pool.release(a);  // one release too many is ignored
  StringPool::Id b = pool.acquire("Started");
  EXPECT_EQ(pool.view(b), "Started");
}

TEST(HeldEvent, ReadsBackExactlyWhatWasObserved) {
  StringPool pool;
  for (const auto& [name, rv] : std::vector<std::pair<std::string, std::string>>{
           {kPod + ".153aa0a509abb280", "270418037"},       // the recorder's names: kept as digits
           {kPod + ".153AA0A509ABB280", "0042"},            // not lowercase hex; leading zeros
           {kPod + ".153aa0a5", "12345678901234567890123"}, // short suffix; too long for 64 bits
           {"other-name", "abc"},
           {"", ""}}) {
    EventRecord e = event(name, rv);
    HeldEvent h = hold_event(e, kPod, pool);
    std::vector<ObjectEvent> views = view_events({h}, kPod, pool);
    ASSERT_EQ(views.size(), 1u);
    EXPECT_EQ(views[0].name, name);
    EXPECT_EQ(views[0].reason, "Pulled");
    EXPECT_EQ(views[0].message, e.message);
    EXPECT_EQ(views[0].type, "Normal");
    EXPECT_EQ(views[0].field_path, "spec.containers{step-build}");
    EXPECT_EQ(views[0].reporting_component, "kubelet");
    EXPECT_EQ(views[0].first, 5);
    EXPECT_EQ(views[0].count, 2);
    EXPECT_TRUE(same_event_object(e, h, kPod, pool));
    EXPECT_FALSE(same_event_object(event(name + "0", rv), h, kPod, pool));
    // The same resourceVersion is not newer; a later lastTimestamp then is.
    EXPECT_FALSE(newer_event(event(name, rv), h, pool));
    EXPECT_TRUE(newer_event(event(name, rv, 9), h, pool));
    let_go(h, pool);
    EXPECT_EQ(pool.size(), 0u) << name;
  }
}

TEST(HeldEvent, AnyTextRoundTripsAndHugeCountsSaturate) {
  StringPool pool;
  EventRecord e = event(kPod + ".153aa0a509abb280", "7");
  e.message = std::string("a\0b", 3) + std::string(300, 'x');  // a NUL, and a length past one LEB128 byte
  e.reason = "";
  e.count = 100000000;
  HeldEvent h = hold_event(e, kPod, pool);
  std::vector<ObjectEvent> views = view_events({h}, kPod, pool);
  EXPECT_EQ(views[0].message, e.message);
  EXPECT_EQ(views[0].reason, "");
  EXPECT_EQ(views[0].type, "Normal");
  EXPECT_EQ(views[0].count, (1 << 26) - 1);
  // Events alike but for their names share one pooled text.
  HeldEvent other = hold_event(event(kPod + ".153aa0a509abb281", "8"), kPod, pool);
  HeldEvent alike = hold_event(event(kPod + ".153aa0a509abb282", "9"), kPod, pool);
  EXPECT_EQ(other.texts, alike.texts);
  EXPECT_EQ(pool.size(), 2u);
  for (const HeldEvent& held : {h, other, alike}) let_go(held, pool);
  EXPECT_EQ(pool.size(), 0u);
}

TEST(HeldEvent, AMessageNamingItsObjectIsSharedAcrossObjects) {
  StringPool pool;
  std::vector<HeldEvent> held;
  for (const std::string pod : {"build-pod-x7k2p", "build-pod-q9w4z"}) {
    EventRecord e = event(pod + ".153aa0a509abb280", "7");
    e.involved.name = pod;
    e.reason = "Scheduled";
    e.message = "Successfully assigned jx/" + pod + " to node-3";
    held.push_back(hold_event(e, pod, pool));
    std::vector<ObjectEvent> views = view_events({held.back()}, pod, pool);
    EXPECT_EQ(views[0].message, e.message);
  }
  EXPECT_EQ(held[0].texts, held[1].texts);
  // A short name could be any word: it stays in the message.
  EventRecord short_name = event("web.153aa0a509abb280", "7");
  short_name.message = "Started container web";
  HeldEvent h = hold_event(short_name, "web", pool);
  EXPECT_EQ(h.object_name_at, 0u);
  EXPECT_EQ(view_events({h}, "web", pool)[0].message, "Started container web");
  for (const HeldEvent& e : held) let_go(e, pool);
  let_go(h, pool);
  EXPECT_EQ(pool.size(), 0u);
}

TEST(HeldEvent, ComparesResourceVersionsAsNumbersWhenBothAre) {
  StringPool pool;
  HeldEvent h = hold_event(event(kPod + ".153aa0a509abb280", "0099", 7), kPod, pool);
  EXPECT_TRUE(newer_event(event(kPod + ".153aa0a509abb280", "0100"), h, pool));
  EXPECT_FALSE(newer_event(event(kPod + ".153aa0a509abb280", "100", 9), h, pool));  // shorter: older
  EXPECT_TRUE(newer_event(event(kPod + ".153aa0a509abb280", "00100"), h, pool));     // longer: newer
  EXPECT_FALSE(newer_event(event(kPod + ".153aa0a509abb280", "0098", 9), h, pool));
  EXPECT_TRUE(newer_event(event(kPod + ".153aa0a509abb280", "x", 9), h, pool));  // not digits: by time
  let_go(h, pool);
  EXPECT_EQ(pool.size(), 0u);
}

}  // namespace
}  // namespace pipetrace
