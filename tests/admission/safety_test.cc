// The webhook's safety rules on real pods: every answer allows, pods that are
// not task pods and malformed reviews get no patch, user-set variables and
// annotations are never overwritten, and a second review of a patched pod
// (reinvocationPolicy: IfNeeded) changes nothing.
#include <gtest/gtest.h>

#include "admission/pod_mutator.h"
#include "admission/pod_patch.h"
#include "admission_test_support.h"
#include "model/ids.h"

namespace pipetrace::admission_test {
namespace {

admission::AdmissionOptions options() {
  admission::AdmissionOptions o;
  o.cluster = kCluster;
  o.otlp_endpoint = "http://collector:4318";
  return o;
}

// A task pod whose trace is known from the pod alone (Lighthouse's event-GUID).
Json lighthouse_task_pod() {
  Json pod = admission_time_pod(objects_of_kind(load_objects("jx/tektonlog/cases/multiple_stages/pods.yml"), "Pod").at(0));
  pod["metadata"]["labels"]["event-GUID"] = "2764cc60-a64e-11ec-9180-42dd884ceb6b";
  return pod;
}

Answer review(admission::PodMutator& m, const Json& pod, const std::string& operation = "CREATE") {
  return parse_answer(m.review(review_for(pod, "jx", "uid-42", operation).dump()));
}

TEST(Safety, PodsThatAreNotTaskPodsAreLeftUntouched) {
  admission::PodMutator mutator(options(), nullptr);
  int pods = 0;
  for (const char* file : {"pods/pod-running-restart-always.yaml", "pods/pod-failed.yaml", "pods/k9s-po-init.json",
                           "pods/troubleshoot-sb-k3s-kube-system.podlist.json"}) {
    for (const Json& pod : objects_of_kind(load_objects(file), "Pod")) {
      Answer a = review(mutator, admission_time_pod(pod));
      EXPECT_EQ(a.response.value("uid", ""), "uid-42") << file;
      EXPECT_TRUE(a.patch.empty()) << file << ": " << a.patch.dump();
      EXPECT_FALSE(a.response.contains("patch")) << file;
      ++pods;
    }
  }
  EXPECT_GT(pods, 5);
  EXPECT_EQ(mutator.counts().patched, 0u);
}

TEST(Safety, MalformedReviewsAreAllowedWithoutPatch) {
  admission::PodMutator mutator(options(), nullptr);
  Json pod = lighthouse_task_pod();
  Json no_uid = review_for(pod, "jx");
  no_uid["request"].erase("uid");
  Json object_not_object = review_for(pod, "jx");
  object_not_object["request"]["object"] = "a pod";
  Json spec_not_object = review_for(pod, "jx");
  spec_not_object["request"]["object"]["spec"] = 7;
  Json containers_not_array = review_for(pod, "jx");
  containers_not_array["request"]["object"]["spec"]["containers"] = {{"name", "step-x"}};
  containers_not_array["request"]["object"]["spec"]["initContainers"] = "step-place-tools";
  Json labels_wrong_type = review_for(pod, "jx");
  labels_wrong_type["request"]["object"]["metadata"]["labels"] = Json::array({1, 2});
  Json no_request = {{"apiVersion", "admission.k8s.io/v1"}, {"kind", "AdmissionReview"}};
  for (const std::string& body :
       {std::string(""), std::string("{"), std::string("[1,2]"), std::string("null"), no_request.dump(),
        no_uid.dump(), object_not_object.dump(), spec_not_object.dump(), containers_not_array.dump(),
        labels_wrong_type.dump(), std::string("\xff\xfe")}) {
    Answer a = parse_answer(mutator.review(body));
    EXPECT_TRUE(a.patch.empty()) << body.substr(0, 80);
  }
  // The uid is echoed whenever the review had one.
  EXPECT_EQ(parse_answer(mutator.review(object_not_object.dump())).response.value("uid", ""), "review-1");
  EXPECT_EQ(mutator.counts().errors, 0u);
}

TEST(Safety, OnlyPodCreationsAreMutated) {
  admission::PodMutator mutator(options(), nullptr);
  Json pod = lighthouse_task_pod();
  EXPECT_FALSE(review(mutator, pod).patch.empty());
  // A pod's env cannot change after creation: patching an UPDATE would make the API server refuse it.
  EXPECT_TRUE(review(mutator, pod, "UPDATE").patch.empty());
  Json other_kind = review_for(pod, "jx");
  other_kind["request"]["kind"] = {{"group", "apps"}, {"version", "v1"}, {"kind", "Deployment"}};
  EXPECT_TRUE(parse_answer(mutator.review(other_kind.dump())).patch.empty());
  Json sub_resource = review_for(pod, "jx");
  sub_resource["request"]["subResource"] = "ephemeralcontainers";
  EXPECT_TRUE(parse_answer(mutator.review(sub_resource.dump())).patch.empty());
}

TEST(Safety, ReviewingThePatchedPodAgainGivesAnEmptyPatch) {
  admission::PodMutator mutator(options(), nullptr);
  for (bool generate_name : {false, true}) {
    Json pod = lighthouse_task_pod();
    if (generate_name) {
      pod["metadata"].erase("name");
      pod["metadata"]["generateName"] = "abayer-js-test-repo-master-1-build-jmcbd-pod-";
    }
    Answer first = review(mutator, pod);
    ASSERT_FALSE(first.patch.empty());
    Json patched = pod.patch(first.patch);
    Answer second = review(mutator, patched);
    EXPECT_TRUE(second.patch.empty()) << second.patch.dump();
    EXPECT_FALSE(second.response.contains("patchType"));
  }
}

TEST(Safety, UserSetVariablesAreNeverOverwritten) {
  admission::PodMutator mutator(options(), nullptr);
  Json pod = lighthouse_task_pod();
  std::vector<std::string> steps;
  for (const Json& c : pod["spec"]["containers"]) steps.push_back(c["name"]);
  ASSERT_GE(steps.size(), 3u);
  // The first step sets all three itself; the second has no env at all; the third sets only the endpoint.
  Json& spec = pod["spec"]["containers"];
  for (Json& c : spec) {
    if (c["name"] == steps[0]) {
      c["env"].push_back({{"name", "TRACEPARENT"}, {"value", "00-11111111111111111111111111111111-2222222222222222-00"}});
      c["env"].push_back({{"name", "OTEL_EXPORTER_OTLP_ENDPOINT"}, {"value", "http://mine:4318"}});
      c["env"].push_back({{"name", "OTEL_RESOURCE_ATTRIBUTES"}, {"value", "team=a"}});
    } else if (c["name"] == steps[1]) {
      c.erase("env");
    } else if (c["name"] == steps[2]) {
      c["env"].push_back({{"name", "OTEL_EXPORTER_OTLP_ENDPOINT"}, {"value", "http://mine:4318"}});
    }
  }
  Answer a = review(mutator, pod);
  Json patched = pod.patch(a.patch);
  const Json& first = *container_named(patched, steps[0]);
  EXPECT_EQ(env_of(first, "TRACEPARENT"), "00-11111111111111111111111111111111-2222222222222222-00");
  EXPECT_EQ(env_of(first, "OTEL_EXPORTER_OTLP_ENDPOINT"), "http://mine:4318");
  EXPECT_EQ(env_of(first, "OTEL_RESOURCE_ATTRIBUTES"), "team=a");
  // Nothing was added to the first step at all.
  EXPECT_EQ(first["env"].size(), container_named(pod, steps[0])->at("env").size());
  const Json& second = *container_named(patched, steps[1]);
  ASSERT_TRUE(env_of(second, "TRACEPARENT").has_value());
  EXPECT_EQ(env_of(second, "OTEL_EXPORTER_OTLP_ENDPOINT"), "http://collector:4318");
  const Json& third = *container_named(patched, steps[2]);
  EXPECT_EQ(env_of(third, "OTEL_EXPORTER_OTLP_ENDPOINT"), "http://mine:4318");
  EXPECT_TRUE(env_of(third, "TRACEPARENT").has_value());
  // The user's variables keep their places: ours are appended.
  const Json& original_third = *container_named(pod, steps[2]);
  for (std::size_t i = 0; i < original_third["env"].size(); ++i) EXPECT_EQ(third["env"][i], original_third["env"][i]);
}

TEST(Safety, TektonSpanContextAnnotationsAreNotOverwritten) {
  admission::PodMutator mutator(options(), nullptr);
  Json pod = lighthouse_task_pod();
  const std::string tekton_own = R"({"traceparent":"00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-01"})";
  pod["metadata"]["annotations"]["tekton.dev/taskrunSpanContext"] = tekton_own;
  Json patched = pod.patch(review(mutator, pod).patch);
  EXPECT_EQ(patched["metadata"]["annotations"]["tekton.dev/taskrunSpanContext"], tekton_own);
  // A pod without any annotations gets the object created.
  Json bare = lighthouse_task_pod();
  bare["metadata"].erase("annotations");
  Json bare_patched = bare.patch(review(mutator, bare).patch);
  Json carrier = Json::parse(bare_patched["metadata"]["annotations"]["tekton.dev/taskrunSpanContext"].get<std::string>());
  TraceId trace;
  SpanId span;
  EXPECT_TRUE(parse_traceparent(carrier["traceparent"].get<std::string>(), trace, span));
}

TEST(Safety, ResourceAttributeValuesAreEncoded) {
  EXPECT_EQ(admission::format_resource_attributes({{"a", "x y"}, {"b", "1,2=3"}, {"c", "$(HOME)%"}}),
            "a=x%20y,b=1%2C2%3D3,c=%24(HOME)%25");
}

}  // namespace
}  // namespace pipetrace::admission_test
