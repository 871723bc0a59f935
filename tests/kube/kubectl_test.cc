// The test API server checked against the real kubectl: if kubectl can list,
// watch, annotate and create through it, the server speaks Kubernetes well
// enough for pipetrace's own client tests to mean something.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>
#include <sstream>

#include "kube_test_support.h"

namespace pipetrace::kube {
namespace {

using kube_test::ChildProcess;
using kube_test::eventually;
using kube_test::fixture;
using kube_test::ProcessResult;

const char* kKubectl = "/usr/bin/kubectl";

class KubectlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kKubectl)) GTEST_SKIP() << "kubectl is not installed at " << kKubectl;
    ASSERT_EQ(cluster_.error(), "");
    kube_test::load_pipeline_fixtures(cluster_.server());
    kubeconfig_ = cluster_.write_kubeconfig();
  }

  std::vector<std::string> kubectl(std::vector<std::string> args) {
    std::vector<std::string> argv = {kKubectl, "--kubeconfig", kubeconfig_, "--cache-dir", cluster_.dir() + "/cache"};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
  ProcessResult run(std::vector<std::string> args) {
    return kube_test::run_process(kubectl(std::move(args)), cluster_.dir());
  }

  testing::TestCluster cluster_;
  std::string kubeconfig_;
};

TEST_F(KubectlTest, GetPipelineRunsAcrossNamespacesAsJson) {
  ProcessResult result = run({"get", "pipelineruns", "-A", "-o", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto list = nlohmann::json::parse(result.out);
  std::set<std::string> names;
  for (const auto& item : list["items"]) {
    names.insert(item["metadata"]["namespace"].get<std::string>() + "/" + item["metadata"]["name"].get<std::string>());
    EXPECT_EQ(item["apiVersion"], "tekton.dev/v1");
    EXPECT_EQ(item["kind"], "PipelineRun");
  }
  EXPECT_EQ(names, (std::set<std::string>{"jx/cb-kubecd-bdd-spring-1568135191-1", "jx/main-rvs7k",
                                          "jx/meta-cb-kubecd-bdd-spring-15681-1"}));
  // Short names come from discovery.
  ProcessResult short_name = run({"get", "pr", "-n", "jx", "-o", "name"});
  ASSERT_EQ(short_name.exit_code, 0) << short_name.err;
  EXPECT_NE(short_name.out.find("pipelinerun.tekton.dev/main-rvs7k"), std::string::npos) << short_name.out;
}

TEST_F(KubectlTest, WatchPodsSeesTheListThenLiveEvents) {
  ChildProcess watch(kubectl({"get", "pods", "-n", "jx", "--watch", "--output-watch-events", "-o", "json",
                              "--request-timeout=15s"}),
                     cluster_.dir() + "/watch.out", cluster_.dir() + "/watch.err");
  ASSERT_TRUE(watch.started());
  // kubectl prints one event per line: {"type":"ADDED","object":{...}}
  auto events = [&] {
    std::vector<nlohmann::json> out;
    std::istringstream text(ChildProcess::read_text(cluster_.dir() + "/watch.out"));
    for (std::string line; std::getline(text, line);) {
      auto event = nlohmann::json::parse(line, nullptr, false);
      if (event.is_object()) out.push_back(event);
    }
    return out;
  };
  auto count = [&](const std::string& type) {
    std::size_t n = 0;
    for (const auto& e : events())
      if (e.value("type", "") == type) ++n;
    return n;
  };
  ASSERT_TRUE(eventually([&] { return count("ADDED") == 2; }))
      << ChildProcess::read_text(cluster_.dir() + "/watch.err");
  // The pods go back to their running state, then one is deleted.
  auto running = kube_test::read_object_file(fixture("pods/jx-controller-running-generated.pods.yaml"));
  ASSERT_EQ(running.objects.size(), 2u);
  for (const auto& pod : running.objects) ASSERT_LT(cluster_.server().apply(pod).status, 300);
  std::string name = running.objects[0]["metadata"]["name"];
  ASSERT_EQ(cluster_.server().remove("v1", "Pod", "jx", name).status, 200);
  ASSERT_TRUE(eventually([&] { return count("DELETED") == 1; }));
  watch.signal(SIGTERM);
  watch.wait();
  auto seen = events();
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(count("MODIFIED"), 2u);
  for (const auto& event : seen) {
    EXPECT_EQ(event["object"]["kind"], "Pod");
    EXPECT_EQ(event["object"]["metadata"]["namespace"], "jx");
  }
  EXPECT_EQ(seen.back()["object"]["metadata"]["name"], name);
  // The running state's containers are what kubectl printed for the update.
  EXPECT_EQ(seen[2]["object"]["status"]["phase"].dump(), running.objects[0]["status"]["phase"].dump());
}

TEST_F(KubectlTest, AnnotateGoesThroughAMergePatch) {
  ProcessResult result =
      run({"annotate", "pipelinerun", "-n", "jx", "main-rvs7k", "pipetrace.dev/traceparent=00-abc-def-01"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto r = cluster_.server().registry().find("tekton.dev", "v1", "pipelineruns");
  auto object = cluster_.server().store().get(*r, "jx", "main-rvs7k").body;
  EXPECT_EQ(object["metadata"]["annotations"]["pipetrace.dev/traceparent"], "00-abc-def-01");
  EXPECT_GE(cluster_.server().stats().patches, 1u);

  ProcessResult overwrite = run({"annotate", "--overwrite", "pipelinerun", "-n", "jx", "main-rvs7k",
                                 "pipetrace.dev/traceparent=00-xyz-uvw-01"});
  ASSERT_EQ(overwrite.exit_code, 0) << overwrite.err;
  ProcessResult shown = run({"get", "pipelinerun", "-n", "jx", "main-rvs7k", "-o",
                             "jsonpath={.metadata.annotations.pipetrace\\.dev/traceparent}"});
  EXPECT_EQ(shown.out, "00-xyz-uvw-01");
  ProcessResult removed = run({"annotate", "pipelinerun", "-n", "jx", "main-rvs7k", "pipetrace.dev/traceparent-"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  object = cluster_.server().store().get(*r, "jx", "main-rvs7k").body;
  EXPECT_FALSE(object["metadata"]["annotations"].contains("pipetrace.dev/traceparent"));
}

TEST_F(KubectlTest, CreatesAndAppliesCoreObjectsCrdsAndCustomResources) {
  std::string manifest = cluster_.dir() + "/manifest.yaml";
  std::ofstream(manifest) << R"(apiVersion: v1
kind: Namespace
metadata:
  name: ci
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ci
data:
  level: debug
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
)";
  // The server publishes no OpenAPI schemas, so client-side validation is off.
  ProcessResult created = run({"create", "--validate=false", "-f", manifest});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::string widget = cluster_.dir() + "/widget.yaml";
  std::ofstream(widget) << "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\n  namespace: ci\n"
                           "spec:\n  size: 3\n";
  ProcessResult applied = run({"apply", "--validate=false", "-f", widget});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  ProcessResult again = run({"apply", "--validate=false", "-f", widget});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("unchanged"), std::string::npos) << again.out;
  ProcessResult listed = run({"get", "wd", "-n", "ci", "-o", "jsonpath={.items[*].spec.size}"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(listed.out, "3");
  ProcessResult config = run({"get", "configmap", "settings", "-n", "ci", "-o", "jsonpath={.data.level}"});
  EXPECT_EQ(config.out, "debug");
}

TEST_F(KubectlTest, WrongTokenIsRefused) {
  kubeconfig_ = cluster_.write_kubeconfig(kube_test::kubeconfig_spec("bad", [](auto& s) { s.token = "wrong"; }));
  ProcessResult result = run({"get", "pods", "-A"});
  EXPECT_NE(result.exit_code, 0);
  // kubectl's words for a 401.
  EXPECT_NE(result.err.find("You must be logged in to the server"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace pipetrace::kube
