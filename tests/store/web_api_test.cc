// The JSON API and static files of the web UI, over HTTP against a store
// filled with the example traces: filters, one trace with its links out,
// pipeline statistics, errors as JSON, and the embedded pages.
#include "ui/web_ui.h"

#include <httplib.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <thread>

#include "example_traces.h"
#include "temp_dir.h"
#include "ui/api_query.h"
#include "ui/embedded_files.h"
#include "ui/vcs_links.h"

namespace pipetrace {
namespace {

using examples::kMonday;
using examples::kSecond;

class WebApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions options;
    options.data_dir = dir_.str();
    auto opened = TraceStore::open(options);
    ASSERT_TRUE(opened) << opened.error();
    store_ = std::move(*opened);
    for (const auto& b : examples::example_history()) ASSERT_TRUE(store_->put(b));

    UiOptions ui;
    ui.trace_url_template = "https://grafana.example/explore?trace={traceId}";
    web_ui_ = std::make_unique<WebUi>(*store_, ui, clock_);
    web_ui_->mount(server_);
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // Bound and listening already: requests queue until the accept loop starts.
  }
  void TearDown() override {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  // GET and parse; `status` receives the HTTP status.
  nlohmann::json get(const std::string& path, int* status = nullptr) {
    httplib::Client client("127.0.0.1", port_);
    auto res = client.Get(path);
    EXPECT_TRUE(res) << path;
    if (!res) return {};
    if (status != nullptr) *status = res->status;
    EXPECT_NE(res->get_header_value("Content-Type").find("application/json"), std::string::npos) << path;
    return nlohmann::json::parse(res->body);
  }

  testing::TempDir dir_;
  ManualClock clock_{kMonday};
  std::unique_ptr<TraceStore> store_;
  std::unique_ptr<WebUi> web_ui_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(WebApiTest, ListsTracesWithFiltersAndPaging) {
  auto all = get("/api/traces");
  EXPECT_EQ(all["total"], 8);
  ASSERT_EQ(all["traces"].size(), 8u);
  EXPECT_EQ(all["traces"][0]["changeId"], "7");
  EXPECT_EQ(all["traces"][0]["running"], true);

  auto failing = get("/api/traces?result=failure");
  ASSERT_EQ(failing["traces"].size(), 1u);
  const auto& t = failing["traces"][0];
  EXPECT_EQ(t["pipeline"], "pr-build");
  EXPECT_EQ(t["repository"], "https://github.com/acme/web-app");
  EXPECT_EQ(t["errorCount"], 4);
  EXPECT_DOUBLE_EQ(t["durationMs"].get<double>(), 612000.0);
  // Milliseconds since the epoch fit a JavaScript number exactly.
  EXPECT_DOUBLE_EQ(t["startMs"].get<double>(), static_cast<double>((kMonday - 30 * 60 * kSecond) / 1'000'000));

  EXPECT_EQ(get("/api/traces?repository=https%3A%2F%2Fgithub.com%2Facme%2Fapi-server")["total"], 3);
  EXPECT_EQ(get("/api/traces?pr=42&commit=6077d8")["total"], 1);
  EXPECT_EQ(get("/api/traces?q=release")["total"], 2);
  EXPECT_EQ(get("/api/traces?pipeline=release")["total"], 2);
  // "since" relative to the server's clock (Monday 09:00): the last hour.
  EXPECT_EQ(get("/api/traces?since=1h")["total"], 2);
  auto page = get("/api/traces?limit=3&offset=6");
  EXPECT_EQ(page["total"], 8);
  EXPECT_EQ(page["traces"].size(), 2u);
}

TEST_F(WebApiTest, RejectsMalformedParametersWithAMessage) {
  int status = 0;
  auto bad_limit = get("/api/traces?limit=lots", &status);
  EXPECT_EQ(status, 400);
  EXPECT_NE(bad_limit["error"].get<std::string>().find("limit=lots"), std::string::npos);
  auto bad_since = get("/api/traces?since=yesterday", &status);
  EXPECT_EQ(status, 400);
  EXPECT_NE(bad_since["error"].get<std::string>().find("since"), std::string::npos);
  auto bad_id = get("/api/traces/xyz", &status);
  EXPECT_EQ(status, 400);
  get("/api/traces/" + std::string(32, '0'), &status);
  EXPECT_EQ(status, 404);
  get("/api/nothing-here", &status);
  EXPECT_EQ(status, 404);
}

TEST_F(WebApiTest, OneTraceWithSpansAndLinksOut) {
  const auto failing = examples::example_run(examples::failing_pr_spec());
  const std::string id = failing.spans[0].trace_id.hex();
  auto doc = get("/api/traces/" + id);
  EXPECT_EQ(doc["trace"]["traceId"], id);
  ASSERT_EQ(doc["spans"].size(), failing.spans.size());
  EXPECT_EQ(doc["links"]["backend"], "https://grafana.example/explore?trace=" + id);
  EXPECT_EQ(doc["links"]["change"], "https://github.com/acme/web-app/pull/42");
  EXPECT_EQ(doc["links"]["commit"], "https://github.com/acme/web-app/commit/6077d805b0fc49f65e6dbaefc2d1fc9b4f92aa4e");

  const nlohmann::json* test = nullptr;
  for (const auto& s : doc["spans"]) {
    if (s["name"] == "step test") test = &s;
  }
  ASSERT_NE(test, nullptr);
  EXPECT_EQ((*test)["status"], "error");
  EXPECT_EQ((*test)["statusMessage"], "Error: 3 tests failed");
  EXPECT_EQ((*test)["attributes"]["process.exit.code"], 1);
  EXPECT_EQ((*test)["resource"]["service.name"], "pipetrace");
  EXPECT_DOUBLE_EQ((*test)["durationMs"].get<double>(), 188000.0);

  const auto& pod = examples::span_named(failing, "Pod web-app-pr-42-pr-build-failing-pr-42-from-build-pack-pod");
  for (const auto& s : doc["spans"]) {
    if (s["spanId"] != pod.span_id.hex()) continue;
    ASSERT_EQ(s["events"].size(), 4u);
    EXPECT_EQ(s["events"][0]["name"], "FailedScheduling");
    EXPECT_EQ(s["events"][0]["attributes"]["k8s.event.message"], "0/3 nodes are available: 3 Insufficient cpu.");
  }
}

TEST_F(WebApiTest, PipelineStatisticsAndOnePipeline) {
  auto list = get("/api/pipelines");
  ASSERT_EQ(list["pipelines"].size(), 2u);
  EXPECT_EQ(list["pipelines"][0]["name"], "pr-build");
  EXPECT_EQ(list["pipelines"][0]["runs"], 6);
  EXPECT_DOUBLE_EQ(list["pipelines"][0]["failureRate"].get<double>(), 0.2);
  EXPECT_DOUBLE_EQ(list["pipelines"][0]["p50Ms"].get<double>(), 615000.0);

  auto detail = get("/api/pipelines/pr-build");
  EXPECT_EQ(detail["pipeline"]["name"], "pr-build");
  EXPECT_EQ(detail["runs"].size(), 6u);
  EXPECT_EQ(detail["slowestTasks"][0]["name"], "from-build-pack");
  EXPECT_EQ(detail["slowestSteps"][0]["name"], "from-build-pack / build");

  int status = 0;
  get("/api/pipelines/no-such", &status);
  EXPECT_EQ(status, 404);
}

TEST_F(WebApiTest, PipelineNamesWithSlashes) {
  // Jenkins X names pipelines owner/repo/branch.
  examples::ExampleRunSpec spec;
  spec.key = "slashed";
  spec.pipeline = "acme/web-app/main";
  ASSERT_TRUE(store_->put(examples::example_run(spec)));
  auto detail = get("/api/pipelines/acme%2Fweb-app%2Fmain");
  EXPECT_EQ(detail["pipeline"]["name"], "acme/web-app/main");
  EXPECT_EQ(detail["runs"].size(), 1u);
}

TEST_F(WebApiTest, ServesTheEmbeddedPages) {
  httplib::Client client("127.0.0.1", port_);
  auto index = client.Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_NE(index->get_header_value("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(index->body.find("/assets/app.js"), std::string::npos);
  // Every file the pages load is in the binary, served with its type.
  for (const char* file : {"app.js", "util.js", "trace_list.js", "trace_view.js", "waterfall.js", "charts.js",
                           "pipeline_views.js", "style.css"}) {
    auto res = client.Get(std::string("/assets/") + file);
    ASSERT_TRUE(res) << file;
    EXPECT_EQ(res->status, 200) << file;
    ASSERT_NE(find_ui_file(file), nullptr) << file;
    EXPECT_EQ(res->body, find_ui_file(file)->text()) << file;
    EXPECT_EQ(res->get_header_value("Content-Type"), content_type_for(file)) << file;
  }
  auto missing = client.Get("/assets/missing.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST(VcsLinks, ProviderShapes) {
  EXPECT_EQ(change_url("https://github.com/acme/web-app", "42"), "https://github.com/acme/web-app/pull/42");
  EXPECT_EQ(change_url("https://gitlab.com/acme/web-app.git", "7"), "https://gitlab.com/acme/web-app/-/merge_requests/7");
  EXPECT_EQ(commit_url("git@github.com:acme/web-app.git", "abc123"), "https://github.com/acme/web-app/commit/abc123");
  EXPECT_EQ(commit_url("https://bitbucket.org/acme/app", "abc"), "https://bitbucket.org/acme/app/commits/abc");
  EXPECT_EQ(change_url("", "42"), "");
  EXPECT_EQ(change_url("https://github.com/acme/web-app", "42/../../x"), "");
  EXPECT_EQ(trace_backend_url("http://t/{traceId}?again={traceId}", "ab"), "http://t/ab?again=ab");
  EXPECT_EQ(trace_backend_url("", "ab"), "");
}

TEST(UiOptions, TemplateNeedsThePlaceholder) {
  UiOptions options;
  EXPECT_EQ(options.validate(), "");
  options.trace_url_template = "http://tempo/trace/";
  EXPECT_NE(options.validate().find("{traceId}"), std::string::npos);
}

}  // namespace
}  // namespace pipetrace
