// The Events held about one object (HeldEventList): every event reads back
// exactly as held, whatever its times, name and resourceVersion look like;
// a repeating Event object is updated in place; the texts go back to the
// pool with the list.
#include "link/held_event_list.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>

#include "pulled_event.h"

namespace pipetrace {
namespace {

const std::string& kPod = testing::kBuildPod;

EventRecord event(std::string name, std::string rv, TimeNs first, TimeNs last, int count = 1) {
  return testing::pulled_event(std::move(name), std::move(rv), first, last, count);
}

std::string hex_name(std::uint64_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = kPod + ".";
  for (int shift = 60; shift >= 0; shift -= 4) out += kDigits[(n >> shift) & 0xf];
  return out;
}

void expect_views_equal(const std::vector<ObjectEvent>& a, const std::vector<ObjectEvent>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].name, b[i].name) << i;
    EXPECT_EQ(a[i].reason, b[i].reason) << i;
    EXPECT_EQ(a[i].message, b[i].message) << i;
    EXPECT_EQ(a[i].first, b[i].first) << i;
    EXPECT_EQ(a[i].last, b[i].last) << i;
    EXPECT_EQ(a[i].count, b[i].count) << i;
  }
}

TEST(HeldEventList, EveryEventReadsBackAsHeld) {
  const TimeNs t = 1700000000000000000;
  const TimeNs big = std::numeric_limits<TimeNs>::max();
  const TimeNs small = std::numeric_limits<TimeNs>::min();
  // Times in seconds, microseconds and nanoseconds, going back and forth,
  // absent (0) and at the extremes; names and resourceVersions of every
  // shape the single-event form knows.
  const std::vector<EventRecord> events = {
      event(hex_name(1), "270418037", t, t),
      event(hex_name(2), "270418040", t + 3000000000, t + 9000000000, 4),
      event(hex_name(3), "270418001", t + 1500, t + 2000000, 2),
      event(hex_name(4), "0042", t - 7, t + 1),
      event("not-its-pod.153aa0a509abb280", "abc", 0, 0),
      event(hex_name(5), "", big, small),
      event(hex_name(6), "18446744073709551615", small, big, 100000000),
      event(hex_name(7), "1", 0, t),
  };
  StringPool pool;
  HeldEventList list;
  std::vector<HeldEvent> single;
  for (const EventRecord& e : events) {
    list.add(e, kPod, pool);
    single.push_back(hold_event(e, kPod, pool));
  }
  EXPECT_EQ(list.size(), events.size());
  expect_views_equal(list.view(kPod, pool), view_events(single, kPod, pool));
  for (const HeldEvent& h : single) let_go(h, pool);
  list.let_go(pool);
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.allocated(), 0u);
  EXPECT_EQ(pool.size(), 0u);
}

TEST(HeldEventList, ARepeatingEventIsUpdatedInPlace) {
  const TimeNs t = 1700000000000000000;
  StringPool pool;
  HeldEventList list;
  list.add(event(hex_name(1), "100", t, t), kPod, pool);
  list.add(event(hex_name(2), "101", t + 1000000000, t + 1000000000), kPod, pool);
  list.add(event(hex_name(3), "102", t + 2000000000, t + 2000000000), kPod, pool);
  // The first again, newer: replaced where it was, the ones after it intact.
  list.add(event(hex_name(1), "150", t, t + 60000000000, 5), kPod, pool);
  // The second again, older: ignored.
  list.add(event(hex_name(2), "99", t + 1000000000, t + 5000000000, 9), kPod, pool);
  const std::vector<ObjectEvent> views = list.view(kPod, pool);
  ASSERT_EQ(views.size(), 3u);
  EXPECT_EQ(views[0].name, hex_name(1));
  EXPECT_EQ(views[0].count, 5);
  EXPECT_EQ(views[0].last, t + 60000000000);
  EXPECT_EQ(views[1].name, hex_name(2));
  EXPECT_EQ(views[1].count, 1);
  EXPECT_EQ(views[2].name, hex_name(3));
  EXPECT_EQ(views[2].first, t + 2000000000);
  // The same name in another namespace is another Event object.
  EventRecord elsewhere = event(hex_name(3), "160", t, t);
  elsewhere.meta.ns = "other";
  list.add(elsewhere, kPod, pool);
  EXPECT_EQ(list.size(), 4u);
  list.let_go(pool);
  EXPECT_EQ(pool.size(), 0u);
}

TEST(HeldEventList, RandomEventsAndUpdatesMatchTheSingleEventForm) {
  std::mt19937_64 random(11);
  StringPool pool;
  HeldEventList list;
  std::vector<EventRecord> latest;  // what the list should hold, by Event object
  for (int i = 0; i < 400; ++i) {
    const bool repeat = !latest.empty() && random() % 3 == 0;
    const std::size_t which = repeat ? random() % latest.size() : latest.size();
    const TimeNs unit = std::vector<TimeNs>{1, 1000, 1000000000}[random() % 3];
    const TimeNs first = 1600000000000000000 + static_cast<TimeNs>(random() % 100000) * unit;
    EventRecord e = event(hex_name(repeat ? which : latest.size()), std::to_string(1000 + i), first,
                          first + static_cast<TimeNs>(random() % 1000) * unit, static_cast<int>(random() % 50));
    list.add(e, kPod, pool);
    if (repeat) {
      latest[which] = e;  // a higher resourceVersion: newer
    } else {
      latest.push_back(e);
    }
  }
  std::vector<HeldEvent> single;
  for (const EventRecord& e : latest) single.push_back(hold_event(e, kPod, pool));
  expect_views_equal(list.view(kPod, pool), view_events(single, kPod, pool));
  // About 20 bytes an event, not the 40 of the single-event form.
  EXPECT_LT(list.allocated(), latest.size() * 24 + 64);
  for (const HeldEvent& h : single) let_go(h, pool);
  list.let_go(pool);
  EXPECT_EQ(pool.size(), 0u);
}

}  // namespace
}  // namespace pipetrace
