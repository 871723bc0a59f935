// Event extraction: core/v1 and events.k8s.io/v1 give one shape, with each
// API's own fields winning, and scheduler events timed by eventTime alone.
#include <gtest/gtest.h>

#include "fixture_objects.h"
#include "model/time.h"

namespace pipetrace {
namespace {

TimeNs at(const char* text) { return parse_time(text).value(); }

EventRecord event_named(const std::string& file, const std::string& name) {
  for (const auto& object : testing::fixture_objects(file)) {
    ExtractResult result = extract_object_json(object.json, object.kind_hint);
    if (result.status != ExtractStatus::Ok) continue;
    const auto& event = std::get<EventRecord>(*result.record);
    if (event.meta.name == name) return event;
  }
  throw std::runtime_error(file + ": no event " + name);
}

TEST(EventExtractor, EventsApiUsesRegardingNoteAndSeries) {
  auto event = testing::extract_fixture<EventRecord>("events/k8s-api-roundtrip-events.k8s.io.v1.Event.json", "Event");
  EXPECT_EQ(event.meta.api_version, "events.k8s.io/v1");
  EXPECT_EQ(event.involved.kind, "kindValue");
  EXPECT_EQ(event.involved.name, "nameValue");
  EXPECT_EQ(event.involved.ns, "namespaceValue");
  EXPECT_EQ(event.involved.uid, "uidValue");
  EXPECT_EQ(event.involved.field_path, "fieldPathValue");
  EXPECT_EQ(event.message, "noteValue");
  EXPECT_EQ(event.reason, "reasonValue");
  EXPECT_EQ(event.type, "typeValue");
  EXPECT_EQ(event.reporting_component, "reportingControllerValue");
  EXPECT_EQ(event.count, 1);  // series.count, ahead of deprecatedCount 15
  EXPECT_EQ(event.first, at("2002-01-01T01:01:01.000002Z"));  // eventTime
  EXPECT_EQ(event.last, at("2002-01-01T01:01:01.000002Z"));   // series.lastObservedTime
  EXPECT_EQ(event.meta.created, at("2008-01-01T01:01:01Z"));
  EXPECT_EQ(event.meta.deleting, at("2009-01-01T01:01:01Z"));
  ASSERT_EQ(event.meta.owners.size(), 1u);
  EXPECT_TRUE(event.meta.owners[0].controller);
  EXPECT_TRUE(event.meta.annotations.empty());  // "annotationsKey" is not of interest
  ASSERT_EQ(event.meta.labels.size(), 1u);
}

TEST(EventExtractor, CoreEventUsesItsOwnTimestampsAndCount) {
  auto event = testing::extract_fixture<EventRecord>("events/k8s-api-roundtrip-core.v1.Event.json", "Event");
  EXPECT_EQ(event.message, "messageValue");
  EXPECT_EQ(event.involved.kind, "kindValue");
  EXPECT_EQ(event.count, 8);
  EXPECT_EQ(event.first, at("2006-01-01T01:01:01Z"));
  EXPECT_EQ(event.last, at("2007-01-01T01:01:01Z"));
  EXPECT_EQ(event.reporting_component, "reportingComponentValue");
}

TEST(EventExtractor, SchedulerEventWithOnlyEventTime) {
  auto event = event_named("events/troubleshoot-sb-k3s-default.eventlist.json", "static-hi.1732dc9f296e96d6");
  EXPECT_EQ(event.reason, "Scheduled");
  EXPECT_EQ(event.involved.kind, "Pod");
  EXPECT_EQ(event.involved.name, "static-hi");
  EXPECT_EQ(event.first, at("2022-12-21T16:43:07.860897Z"));
  EXPECT_EQ(event.last, event.first);
  EXPECT_EQ(event.count, 1);
  EXPECT_EQ(event.reporting_component, "default-scheduler");
}

TEST(EventExtractor, KubeletEventWithCountAndContainerFieldPath) {
  auto event = event_named("events/troubleshoot-pod-init-crashloop-backoff.json", "init-demo.1770b2a9adf25515");
  EXPECT_EQ(event.reason, "Pulling");
  EXPECT_EQ(event.count, 5);
  EXPECT_EQ(event.first, at("2023-07-11T03:31:42Z"));
  EXPECT_EQ(event.last, at("2023-07-11T03:33:12Z"));
  EXPECT_EQ(event.involved.field_path, "spec.containers{nginx}");
  EXPECT_EQ(event.reporting_component, "kubelet");  // from source.component
}

TEST(EventExtractor, NodeEventFromAnEventList) {
  auto event = event_named("events/troubleshoot-baseline-default.eventlist.json", "primary-node.187feaa1442725e8");
  EXPECT_EQ(event.involved.kind, "Node");
  EXPECT_EQ(event.reason, "NodeHasSufficientMemory");
  EXPECT_EQ(event.count, 2);
}

TEST(EventExtractor, CoreFormOfASeriesEvent) {
  const char* json = R"({"kind":"Event","apiVersion":"v1","metadata":{"name":"e","namespace":"d"},
    "involvedObject":{"kind":"Pod","name":"p"},"reason":"FailedScheduling","message":"0/1 nodes",
    "source":{},"firstTimestamp":null,"lastTimestamp":null,"eventTime":"2024-05-01T10:00:00.123456Z",
    "series":{"count":7,"lastObservedTime":"2024-05-01T10:30:00.000001Z"},"reportingComponent":"default-scheduler"})";
  ExtractResult result = extract_object_json(json);
  ASSERT_EQ(result.status, ExtractStatus::Ok) << result.message;
  const auto& event = std::get<EventRecord>(*result.record);
  EXPECT_EQ(event.count, 7);
  EXPECT_EQ(event.first, at("2024-05-01T10:00:00.123456Z"));
  EXPECT_EQ(event.last, at("2024-05-01T10:30:00.000001Z"));
}

}  // namespace
}  // namespace pipetrace
