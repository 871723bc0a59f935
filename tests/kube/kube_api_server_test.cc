// The test API server's own behaviour, through HTTP: creating objects of
// kinds it has never heard of, selectors and pagination, watch versions, and
// the /_control endpoint that other test harnesses drive it with.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "kube/api_connection.h"
#include "kube_test_support.h"

namespace pipetrace::kube {
namespace {

using nlohmann::json;

class KubeApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(cluster_.error(), "");
    kube_test::load_pipeline_fixtures(cluster_.server());
    auto loaded = load_kubeconfig_files({cluster_.write_kubeconfig()}, "");
    ASSERT_TRUE(loaded.ok()) << loaded.error;
    connection_ = std::make_unique<ApiConnection>(*loaded.config, nullptr);
  }
  json call(const std::string& method, const std::string& path, const json& body = nullptr, long expect = 200) {
    ApiResponse r = body.is_null() ? connection_->request(method, path)
                                   : connection_->request(method, path, body.dump(), "application/json");
    EXPECT_EQ(r.status, expect) << method << " " << path << ": " << r.body.substr(0, 300) << r.transport_error;
    return json::parse(r.body, nullptr, false);
  }
  std::vector<json> watch_lines(const std::string& path) {
    std::vector<json> lines;
    connection_->stream_lines(path, std::chrono::seconds(5), [&](std::string_view line) {
      lines.push_back(json::parse(line));
      return true;
    });
    return lines;
  }

  testing::TestCluster cluster_;
  std::unique_ptr<ApiConnection> connection_;
};

TEST_F(KubeApiServerTest, CreatesObjectsOfUnknownKindsNamespacedOrClusterScoped) {
  json gadget = {{"apiVersion", "example.org/v1"}, {"kind", "Gadget"}, {"metadata", {{"name", "g1"}}}};
  json created = call("POST", "/apis/example.org/v1/namespaces/ci/gadgets", gadget, 201);
  EXPECT_EQ(created["metadata"]["namespace"], "ci");
  EXPECT_FALSE(created["metadata"]["uid"].get<std::string>().empty());
  EXPECT_EQ(call("GET", "/apis/example.org/v1/namespaces/ci/gadgets/g1")["kind"], "Gadget");
  call("POST", "/apis/example.org/v1/namespaces/ci/gadgets", gadget, 409);

  json zone = {{"apiVersion", "example.org/v1"}, {"kind", "Zone"}, {"metadata", {{"name", "eu"}}}};
  json zone_created = call("POST", "/apis/example.org/v1/zones", zone, 201);
  EXPECT_FALSE(zone_created["metadata"].contains("namespace"));
  json discovery = call("GET", "/apis/example.org/v1");
  std::map<std::string, bool> namespaced;
  for (const auto& r : discovery["resources"]) namespaced[r["name"]] = r["namespaced"];
  EXPECT_EQ(namespaced, (std::map<std::string, bool>{{"gadgets", true}, {"zones", false}}));

  json node = {{"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", {{"name", "worker-1"}}}};
  call("POST", "/api/v1/nodes", node, 201);
  call("DELETE", "/api/v1/nodes/worker-1");
  call("GET", "/api/v1/nodes/worker-1", nullptr, 404);
  // Reading a resource nobody created stays a 404, as for a missing CRD.
  call("GET", "/apis/example.org/v1/widgets", nullptr, 404);
}

TEST_F(KubeApiServerTest, ListsFilterByLabelAndFieldAndPaginate) {
  json pods = call("GET", "/api/v1/pods?labelSelector=tekton.dev%2FtaskRun");
  EXPECT_EQ(pods["items"].size(), 2u);
  EXPECT_FALSE(pods["items"][0].contains("kind"));  // as real servers write core list items
  EXPECT_EQ(call("GET", "/api/v1/pods?labelSelector=%21tekton.dev%2FtaskRun")["items"].size(), 1u);
  EXPECT_EQ(call("GET", "/api/v1/pods?fieldSelector=metadata.namespace%3Dargocd")["items"].size(), 1u);
  EXPECT_EQ(call("GET", "/api/v1/pods?labelSelector=branch+in+%28master%2Cmain%29")["items"].size(), 2u);

  json page = call("GET", "/apis/tekton.dev/v1/pipelineruns?limit=2");
  ASSERT_EQ(page["items"].size(), 2u);
  std::string token = page["metadata"]["continue"];
  json rest = call("GET", "/apis/tekton.dev/v1/pipelineruns?limit=2&continue=" + url_encode(token));
  EXPECT_EQ(rest["items"].size(), 1u);
  EXPECT_FALSE(rest["metadata"].contains("continue"));
  EXPECT_EQ(rest["metadata"]["resourceVersion"], page["metadata"]["resourceVersion"]);
  EXPECT_EQ(rest["items"][0]["kind"], "PipelineRun");  // custom resources keep kind in lists
  ApiResponse apply_patch = connection_->request("PATCH", "/apis/tekton.dev/v1/namespaces/jx/pipelineruns/main-rvs7k",
                                                  "{}", "application/apply-patch+yaml");
  EXPECT_EQ(apply_patch.status, 415);  // server-side apply is not served
  json touched = {{"metadata", {{"labels", {{"x", "y"}}}}}};
  ApiResponse patched = connection_->request("PATCH", "/apis/tekton.dev/v1/namespaces/jx/pipelineruns/main-rvs7k",
                                             touched.dump(), "application/merge-patch+json");
  EXPECT_EQ(patched.status, 200);
  cluster_.server().compact();
  call("GET", "/apis/tekton.dev/v1/pipelineruns?limit=2&continue=" + url_encode(token), nullptr, 410);
}

TEST_F(KubeApiServerTest, WatchStartsFromTheGivenVersionOrWithTheCurrentObjects) {
  json list = call("GET", "/apis/tekton.dev/v1/namespaces/jx/pipelineruns");
  std::string version = list["metadata"]["resourceVersion"];
  // Without a version: ADDED for what is there, then the stream.
  auto initial = watch_lines("/apis/tekton.dev/v1/namespaces/jx/pipelineruns?watch=true&timeoutSeconds=1");
  ASSERT_EQ(initial.size(), 3u);
  for (const auto& e : initial) EXPECT_EQ(e["type"], "ADDED");

  json run = call("GET", "/apis/tekton.dev/v1/namespaces/jx/pipelineruns/main-rvs7k");
  run["metadata"]["labels"]["stage"] = "two";
  json updated = call("PUT", "/apis/tekton.dev/v1/namespaces/jx/pipelineruns/main-rvs7k", run);
  call("PUT", "/apis/tekton.dev/v1/namespaces/jx/pipelineruns/main-rvs7k", run, 409);  // stale version
  call("DELETE", "/apis/tekton.dev/v1/namespaces/jx/pipelineruns/main-rvs7k");
  auto since = watch_lines("/apis/tekton.dev/v1/namespaces/jx/pipelineruns?watch=1&timeoutSeconds=1&resourceVersion=" +
                           version);
  ASSERT_EQ(since.size(), 2u);
  EXPECT_EQ(since[0]["type"], "MODIFIED");
  EXPECT_EQ(since[0]["object"]["metadata"]["resourceVersion"], updated["metadata"]["resourceVersion"]);
  EXPECT_EQ(since[1]["type"], "DELETED");

  cluster_.server().compact();
  auto gone = watch_lines("/apis/tekton.dev/v1/namespaces/jx/pipelineruns?watch=1&resourceVersion=" + version);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0]["type"], "ERROR");
  EXPECT_EQ(gone[0]["object"]["code"], 410);
}

TEST_F(KubeApiServerTest, ControlEndpointInjectsFaultsAndReportsStats) {
  call("POST", "/_control", {{"op", "fail-next"}, {"target", "list"}, {"status", 503}});
  call("GET", "/api/v1/pods", nullptr, 503);
  call("GET", "/api/v1/pods");
  call("POST", "/_control", {{"op", "withdraw"}, {"group", "tekton.dev"}, {"resource", "taskruns"}});
  call("GET", "/apis/tekton.dev/v1/taskruns", nullptr, 404);
  call("POST", "/_control", {{"op", "restore"}, {"group", "tekton.dev"}, {"resource", "taskruns"}});
  call("GET", "/apis/tekton.dev/v1/taskruns");

  json applied = call("POST", "/_control",
                      {{"op", "apply"},
                       {"object", {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "c"}, {"namespace", "ci"}}}}}},
                      201);
  EXPECT_EQ(applied["metadata"]["name"], "c");
  std::string before = call("GET", "/_control/stats")["resourceVersion"];
  call("POST", "/_control", {{"op", "new-history"}});
  std::string after = call("GET", "/_control/stats")["resourceVersion"];
  EXPECT_GT(std::stoll(after), std::stoll(before) + 100000);

  call("POST", "/_control", {{"op", "set-token"}, {"token", "other"}});
  call("GET", "/api/v1/pods", nullptr, 401);
  call("POST", "/_control", {{"op", "set-token"}, {"token", "test-token"}});
  json stats = call("GET", "/_control/stats");
  EXPECT_EQ(stats["unauthorized"], 1);
  // 503 and OK pods lists, the restored TaskRuns; the 404 and 401 never became lists.
  EXPECT_EQ(stats["lists"], 3);
  call("POST", "/_control", {{"op", "no-such-op"}}, 400);
}

}  // namespace
}  // namespace pipetrace::kube
