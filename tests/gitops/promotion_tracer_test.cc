// The promotion tracer driven by real webhook payloads (octokit's GitHub and
// go-scm's GitLab fixtures, edited into the PRs of a promotion) carrying our
// Jenkins X-style release notes, with a clock the test moves.
#include "gitops/promotion_tracer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "fake_provider_server.h"
#include "gitops/github_provider.h"
#include "gitops/pr_graph_file.h"
#include "gitops_test_support.h"
#include "link/span_builder.h"

namespace pipetrace::gitops {
namespace {

using testing::at;
using testing::CollectingSink;
using testing::extract;
using testing::github_pr_payload;
using testing::read_text;

constexpr const char* kApp = "Codertocat/Hello-World";
constexpr const char* kStaging = "Codertocat/environment-staging";
constexpr const char* kProduction = "Codertocat/environment-production";
const std::string kAppBody = "This is a pretty simple change that we need to pull into master.";

std::string attr(const Span& span, std::string_view key) { return span.string_attribute(key); }

class PromotionTracerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    state_dir_ = std::filesystem::temp_directory_path() /
                 ("pipetrace-gitops-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(state_dir_);
    std::filesystem::create_directories(state_dir_);
    options_.state_file = (state_dir_ / kPrGraphFileName).string();
  }
  void TearDown() override { std::filesystem::remove_all(state_dir_); }

  // One GitHub pull_request delivery at `when` (the clock moves there first).
  void pr_event(PromotionTracer& tracer, const std::string& action, const std::string& repo, int number,
                const std::string& body, const char* created, const char* when, bool merged = false) {
    clock_.set(at(when));
    static int delivery = 0;
    auto payload = github_pr_payload(action, repo, number, body, created, when, merged);
    tracer.observe(extract("github", payload, "pr-delivery-" + std::to_string(++delivery), "pull_request"), at(when));
  }

  // octokit's push to master, moved to the time of the merge commit.
  void push_event(PromotionTracer& tracer, const std::string& guid, const char* when) {
    clock_.set(at(when));
    auto payload = testing::fixture("fixtures/github/octokit-push.4.json");
    payload["head_commit"]["timestamp"] = when;
    tracer.observe(extract("github", payload, guid, "push"), at(when));
  }

  void tick_at(PromotionTracer& tracer, const char* when) {
    clock_.set(at(when));
    tracer.tick();
  }

  // App PR opened and merged, its release push, and the push's CI trace ending at 10:26.
  void app_pr_released(PromotionTracer& tracer) {
    pr_event(tracer, "opened", kApp, 2, kAppBody, "2026-11-27T10:00:00Z", "2026-11-27T10:00:00Z");
    pr_event(tracer, "closed", kApp, 2, kAppBody, "2026-11-27T10:00:00Z", "2026-11-27T10:20:00Z", true);
    push_event(tracer, "push-delivery-1", "2026-11-27T10:20:05Z");
    Span ci_root;
    ci_root.trace_id = webhook_trace_id("push-delivery-1");
    ci_root.end = at("2026-11-27T10:26:00Z");
    tracer.observe_span(ci_root);
  }

  std::filesystem::path state_dir_;
  ManualClock clock_{at("2026-11-27T09:00:00Z")};
  PromotionOptions options_;
  CollectingSink sink_;
  const PrKey app_ = make_pr_key("github", kApp, "2");
  const PrKey staging_ = make_pr_key("github", kStaging, "11");
  const PrKey production_ = make_pr_key("github", kProduction, "5");
};

TEST_F(PromotionTracerTest, OneAppPrPromotedToStagingAndProductionIsOneTrace) {
  PromotionTracer tracer(options_, sink_, clock_);
  app_pr_released(tracer);
  const std::string staging_notes = read_text("gitops/github-staging-promotion.md");
  const std::string production_notes = read_text("gitops/github-production-promotion.md");
  pr_event(tracer, "opened", kStaging, 11, staging_notes, "2026-11-27T10:27:00Z", "2026-11-27T10:27:00Z");
  pr_event(tracer, "opened", kProduction, 5, production_notes, "2026-11-27T10:28:00Z", "2026-11-27T10:28:00Z");
  pr_event(tracer, "closed", kStaging, 11, staging_notes, "2026-11-27T10:27:00Z", "2026-11-27T10:29:00Z", true);
  tick_at(tracer, "2026-11-27T10:29:59Z");
  EXPECT_TRUE(sink_.spans.empty()) << "the app PR still waits for children";
  tick_at(tracer, "2026-11-27T10:31:00Z");
  ASSERT_EQ(sink_.spans.size(), 2u) << "the app PR and its release run, after the delay";
  pr_event(tracer, "closed", kProduction, 5, production_notes, "2026-11-27T10:28:00Z", "2026-11-27T10:40:00Z", true);
  tick_at(tracer, "2026-11-27T10:50:00Z");

  ASSERT_EQ(sink_.spans.size(), 4u);
  const Span* app = sink_.find("pull request codertocat/hello-world#2");
  const Span* release = sink_.find("release run codertocat/hello-world master");
  const Span* staging = sink_.find("pull request codertocat/environment-staging#11");
  const Span* production = sink_.find("pull request codertocat/environment-production#5");
  ASSERT_TRUE(app && release && staging && production);

  const TraceId trace = pr_trace_id(app_);
  for (const Span& s : sink_.spans) EXPECT_EQ(s.trace_id, trace) << s.name;
  EXPECT_TRUE(app->parent_span_id.empty());
  EXPECT_EQ(app->span_id, pr_span_id(app_));
  EXPECT_EQ(release->parent_span_id, app->span_id);
  EXPECT_EQ(staging->parent_span_id, app->span_id);
  EXPECT_EQ(production->parent_span_id, app->span_id);

  EXPECT_EQ(app->start, at("2026-11-27T10:00:00Z"));
  EXPECT_EQ(app->end, at("2026-11-27T10:29:00Z")) << "covers the release run and the staging PR merged in the wait";
  EXPECT_EQ(attr(*app, "pipetrace.gitops.role"), "application");
  EXPECT_EQ(attr(*app, "vcs.change.state"), "merged");
  EXPECT_EQ(attr(*app, "vcs.change.title"), "Update the README with new information.");
  EXPECT_EQ(attr(*app, "vcs.repository.url.full"), "https://github.com/Codertocat/Hello-World");

  EXPECT_EQ(release->start, at("2026-11-27T10:20:05Z"));
  EXPECT_EQ(release->end, at("2026-11-27T10:26:00Z"));
  EXPECT_EQ(attr(*release, "vcs.ref.head.revision"), "6113728f27ae82c7b1a177c8d03f9e96e0adf246");
  ASSERT_EQ(release->links.size(), 1u);
  EXPECT_EQ(release->links[0].trace_id, webhook_trace_id("push-delivery-1"));
  EXPECT_EQ(release->links[0].span_id, webhook_span_id("push-delivery-1"));

  EXPECT_EQ(staging->start, at("2026-11-27T10:27:00Z"));
  EXPECT_EQ(staging->end, at("2026-11-27T10:29:00Z"));
  EXPECT_EQ(attr(*staging, "pipetrace.gitops.role"), "environment");
  EXPECT_EQ(attr(*staging, "pipetrace.gitops.promotes"), "github:codertocat/hello-world#2");
  EXPECT_EQ(production->start, at("2026-11-27T10:28:00Z"));
  EXPECT_EQ(production->end, at("2026-11-27T10:40:00Z"));
  EXPECT_TRUE(production->links.empty());
}

TEST_F(PromotionTracerTest, AChildAfterTheDelayStartsItsOwnTraceLinkedToTheParent) {
  PromotionTracer tracer(options_, sink_, clock_);
  app_pr_released(tracer);
  tick_at(tracer, "2026-11-27T10:30:00Z");
  ASSERT_EQ(sink_.spans.size(), 2u);

  const std::string notes = read_text("gitops/github-production-promotion.md");
  pr_event(tracer, "opened", kProduction, 5, notes, "2026-11-27T10:45:00Z", "2026-11-27T10:45:00Z");
  pr_event(tracer, "closed", kProduction, 5, notes, "2026-11-27T10:45:00Z", "2026-11-27T10:50:00Z", true);
  tick_at(tracer, "2026-11-27T11:00:00Z");

  const Span* production = sink_.find("pull request codertocat/environment-production#5");
  ASSERT_NE(production, nullptr);
  EXPECT_EQ(production->trace_id, pr_trace_id(production_));
  EXPECT_NE(production->trace_id, pr_trace_id(app_));
  EXPECT_TRUE(production->parent_span_id.empty());
  ASSERT_EQ(production->links.size(), 1u);
  EXPECT_EQ(production->links[0].trace_id, pr_trace_id(app_));
  EXPECT_EQ(production->links[0].span_id, pr_span_id(app_));
  EXPECT_EQ(tracer.graph().find(production_)->linked_parent, app_);
}

TEST_F(PromotionTracerTest, ADelayedWebhookOfAChildOpenedInTimeStillJoinsWhileTheParentWaits) {
  options_.child_pr_delay = 60LL * 1000000000;  // --child-pr-delay 1m
  PromotionTracer tracer(options_, sink_, clock_);
  app_pr_released(tracer);
  // Opened 10:20:30 (inside the minute) though the delivery comes at 10:20:50.
  clock_.set(at("2026-11-27T10:20:50Z"));
  auto payload = github_pr_payload("opened", kStaging, 11, read_text("gitops/github-staging-promotion.md"),
                                   "2026-11-27T10:20:30Z", "2026-11-27T10:20:30Z");
  tracer.observe(extract("github", payload, "late-delivery", "pull_request"), clock_.now());
  EXPECT_EQ(tracer.graph().find(staging_)->parent, app_);
  tick_at(tracer, "2026-11-27T10:21:00Z");
  EXPECT_NE(sink_.find("pull request codertocat/hello-world#2"), nullptr);
}

TEST_F(PromotionTracerTest, TheGraphSurvivesARestart) {
  {
    PromotionTracer before(options_, sink_, clock_);
    app_pr_released(before);
    pr_event(before, "opened", kStaging, 11, read_text("gitops/github-staging-promotion.md"), "2026-11-27T10:27:00Z",
             "2026-11-27T10:27:00Z");
    before.flush();
  }
  ASSERT_TRUE(std::filesystem::exists(options_.state_file));
  EXPECT_FALSE(std::filesystem::exists(options_.state_file + ".tmp"));

  PromotionTracer after(options_, sink_, clock_);
  ASSERT_EQ(after.load(), "");
  const PrRecord* app = after.graph().find(app_);
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(app->state, PrState::Merged);
  EXPECT_EQ(app->finished_at, at("2026-11-27T10:20:00Z"));
  ASSERT_EQ(app->releases.size(), 1u);
  EXPECT_EQ(app->releases[0].ended_at, at("2026-11-27T10:26:00Z"));
  EXPECT_EQ(after.graph().find(staging_)->parent, app_);

  // A child after the restart, still inside the delay, joins the same trace.
  pr_event(after, "opened", kProduction, 5, read_text("gitops/github-production-promotion.md"),
           "2026-11-27T10:28:00Z", "2026-11-27T10:28:00Z");
  EXPECT_EQ(after.graph().find(production_)->parent, app_);
  tick_at(after, "2026-11-27T10:31:00Z");
  ASSERT_EQ(sink_.spans.size(), 2u);
  EXPECT_EQ(sink_.spans[0].trace_id, pr_trace_id(app_));
  // The CI span that ended the release run reached the first tracer only: the end was persisted.
  EXPECT_EQ(sink_.find("release run codertocat/hello-world master")->end, at("2026-11-27T10:26:00Z"));

  // Emitted is remembered too: a third start emits nothing again.
  PromotionTracer third(options_, sink_, clock_);
  ASSERT_EQ(third.load(), "");
  tick_at(third, "2026-11-27T10:35:00Z");
  EXPECT_EQ(sink_.spans.size(), 2u);
}

TEST_F(PromotionTracerTest, GitLabMergeRequestsFromGoGitlabPayloads) {
  PromotionTracer tracer(options_, sink_, clock_);
  auto created = testing::fixture("fixtures/webhooks/gitlab/pull_request_create.json");
  auto merged = testing::fixture("fixtures/webhooks/gitlab/pull_request_merge.json");
  auto pushed = testing::fixture("fixtures/webhooks/gitlab/push_merge.json");
  clock_.set(at("2017-12-10T17:01:11Z"));
  tracer.observe(extract("gitlab", created, "gl-1", "Merge Request Hook"), clock_.now());
  clock_.set(at("2017-12-10T17:08:07Z"));
  tracer.observe(extract("gitlab", merged, "gl-2", "Merge Request Hook"), clock_.now());
  clock_.set(at("2017-12-10T17:08:10Z"));
  tracer.observe(extract("gitlab", pushed, "gl-push", "Push Hook"), clock_.now());

  auto env = created;
  env["project"]["path_with_namespace"] = "gitlab-org/environment-staging";
  env["object_attributes"]["iid"] = 3;
  env["object_attributes"]["url"] = "https://gitlab.example.com/gitlab-org/environment-staging/merge_requests/3";
  env["object_attributes"]["description"] = read_text("gitops/gitlab-staging-promotion.md");
  env["object_attributes"]["created_at"] = "2017-12-10 17:12:00 UTC";
  env["object_attributes"]["updated_at"] = "2017-12-10 17:12:00 UTC";
  clock_.set(at("2017-12-10T17:12:00Z"));
  tracer.observe(extract("gitlab", env, "gl-3", "Merge Request Hook"), clock_.now());
  auto env_merged = env;
  env_merged["object_attributes"]["action"] = "merge";
  env_merged["object_attributes"]["state"] = "merged";
  env_merged["object_attributes"]["updated_at"] = "2017-12-10 17:15:00 UTC";
  clock_.set(at("2017-12-10T17:15:00Z"));
  tracer.observe(extract("gitlab", env_merged, "gl-4", "Merge Request Hook"), clock_.now());
  tick_at(tracer, "2017-12-10T17:30:00Z");

  const PrKey app = make_pr_key("gitlab", "gitlab-org/hello-world", "1");
  const Span* app_span = sink_.find("merge request gitlab-org/hello-world!1");
  const Span* env_span = sink_.find("merge request gitlab-org/environment-staging!3");
  const Span* release = sink_.find("release run gitlab-org/hello-world master");
  ASSERT_TRUE(app_span && env_span && release);
  EXPECT_EQ(app_span->trace_id, pr_trace_id(app));
  EXPECT_EQ(env_span->trace_id, pr_trace_id(app));
  EXPECT_EQ(env_span->parent_span_id, app_span->span_id);
  EXPECT_EQ(release->parent_span_id, app_span->span_id);
  EXPECT_EQ(app_span->start, at("2017-12-10T17:01:11Z"));
  EXPECT_EQ(attr(*release, "vcs.ref.head.revision"), "78a76ee6b4992a6baf64c59fc4c44c7323d60438");
  EXPECT_EQ(release->links.at(0).trace_id, webhook_trace_id("gl-push"));
}

TEST_F(PromotionTracerTest, AClosedUnmergedPrEndsWithoutWaiting) {
  PromotionTracer tracer(options_, sink_, clock_);
  pr_event(tracer, "opened", kApp, 2, kAppBody, "2026-11-27T10:00:00Z", "2026-11-27T10:00:00Z");
  pr_event(tracer, "closed", kApp, 2, kAppBody, "2026-11-27T10:00:00Z", "2026-11-27T10:05:00Z", false);
  tick_at(tracer, "2026-11-27T10:05:01Z");
  ASSERT_EQ(sink_.spans.size(), 1u);
  EXPECT_EQ(attr(sink_.spans[0], "vcs.change.state"), "closed");
}

// The env PR's webhook has no body and the app PR was never seen: both are
// read from the provider's API; both PRs then carry one trace comment.
TEST_F(PromotionTracerTest, MissingBodiesAreFetchedAndEachPrGetsOneTraceComment) {
  testing::FakeProviderServer server;
  nlohmann::json app_pr = testing::fixture("fixtures/github/octokit-pull_request.closed.3.json")["pull_request"];
  app_pr["created_at"] = "2026-11-27T10:00:00Z";
  app_pr["merged"] = true;
  app_pr["merged_at"] = "2026-11-27T10:20:00Z";
  server.add_github_pr("codertocat/hello-world", 2, app_pr);
  nlohmann::json env_pr = github_pr_payload("opened", kStaging, 11, read_text("gitops/github-staging-promotion.md"),
                                            "2026-11-27T10:27:00Z", "2026-11-27T10:27:00Z")["pull_request"];
  server.add_github_pr("codertocat/environment-staging", 11, env_pr);

  ProviderHttp http("GitHub", {}, clock_, [this](std::chrono::nanoseconds d) { clock_.advance(d.count()); });
  GitHubProvider github({server.github_url(), testing::FakeProviderServer::kGitHubToken}, http);
  TraceCommentWriter comments("http://pipetrace.example:8080/#/trace/{traceId}");
  PromotionTracer tracer(options_, sink_, clock_, PrProviders{&github, nullptr}, &comments);

  pr_event(tracer, "opened", kStaging, 11, "", "2026-11-27T10:27:00Z", "2026-11-27T10:27:00Z");
  const PrRecord* staging = tracer.graph().find(staging_);
  ASSERT_NE(staging, nullptr);
  EXPECT_EQ(staging->parent, app_);
  EXPECT_EQ(tracer.stats().fetched, 2u);
  const PrRecord* app = tracer.graph().find(app_);
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(app->finished_at, at("2026-11-27T10:20:00Z"));
  EXPECT_EQ(app->merge_sha, "c4295bd74fb0f4fda03689c3df3f2803b658fd85");

  // The staging PR is commented at once; the app PR, read from the API, on the next tick.
  EXPECT_EQ(server.comments("codertocat/environment-staging", 11).size(), 1u);
  tick_at(tracer, "2026-11-27T10:27:30Z");
  const std::string trace = pr_trace_id(app_).hex();
  for (auto [repo, number] : {std::pair{"codertocat/environment-staging", 11}, {"codertocat/hello-world", 2}}) {
    auto list = server.comments(repo, number);
    ASSERT_EQ(list.size(), 1u) << repo;
    EXPECT_NE(list[0].body.find("http://pipetrace.example:8080/#/trace/" + trace), std::string::npos) << list[0].body;
  }
  // More deliveries of the same PR neither fetch nor comment again.
  const std::size_t requests = server.requests().size();
  pr_event(tracer, "synchronize", kStaging, 11, "", "2026-11-27T10:27:00Z", "2026-11-27T10:28:00Z");
  tick_at(tracer, "2026-11-27T10:29:00Z");
  EXPECT_EQ(server.requests().size(), requests);
}

TEST_F(PromotionTracerTest, TheCommentFollowsThePrIntoItsParentsTrace) {
  testing::FakeProviderServer server;
  ProviderHttp http("GitHub", {}, clock_, [this](std::chrono::nanoseconds d) { clock_.advance(d.count()); });
  GitHubProvider github({server.github_url(), testing::FakeProviderServer::kGitHubToken}, http);
  TraceCommentWriter comments("");
  PromotionTracer tracer(options_, sink_, clock_, PrProviders{&github, nullptr}, &comments);
  app_pr_released(tracer);
  // Opened with a body that links nothing yet: a trace of its own, commented so.
  pr_event(tracer, "opened", kStaging, 11, "Promote hello-world 0.0.2 (notes to follow)", "2026-11-27T10:27:00Z",
           "2026-11-27T10:27:00Z");
  auto before = server.comments("codertocat/environment-staging", 11);
  ASSERT_EQ(before.size(), 1u);
  EXPECT_NE(before[0].body.find(pr_trace_id(staging_).hex()), std::string::npos);
  // Edited to carry the release notes: it joins the app PR's trace, and the one comment says so.
  pr_event(tracer, "edited", kStaging, 11, read_text("gitops/github-staging-promotion.md"), "2026-11-27T10:27:00Z",
           "2026-11-27T10:28:00Z");
  auto after = server.comments("codertocat/environment-staging", 11);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_NE(after[0].body.find(pr_trace_id(app_).hex()), std::string::npos);
  EXPECT_EQ(server.count("PATCH", "/issues/comments/"), 1u);
}

TEST_F(PromotionTracerTest, ACommentRefusedForTheRateLimitIsWrittenOnALaterTick) {
  testing::FakeProviderServer server;
  ProviderHttp http("GitHub", {std::chrono::milliseconds(5000), std::chrono::seconds(5)}, clock_,
                    [this](std::chrono::nanoseconds d) { clock_.advance(d.count()); });
  GitHubProvider github({server.github_url(), testing::FakeProviderServer::kGitHubToken}, http);
  TraceCommentWriter comments("");
  PromotionTracer tracer(options_, sink_, clock_, PrProviders{&github, nullptr}, &comments);
  server.refuse_next(429, {{"Retry-After", "90"}});  // longer than the 5 s the client may wait
  pr_event(tracer, "opened", kApp, 2, kAppBody, "2026-11-27T10:00:00Z", "2026-11-27T10:00:00Z");
  EXPECT_EQ(tracer.stats().comment_failures, 1u);
  EXPECT_TRUE(server.comments("codertocat/hello-world", 2).empty());
  tick_at(tracer, "2026-11-27T10:00:30Z");  // still inside Retry-After: nothing is sent
  EXPECT_EQ(server.requests().size(), 1u);
  tick_at(tracer, "2026-11-27T10:02:00Z");
  EXPECT_EQ(server.comments("codertocat/hello-world", 2).size(), 1u);
}

}  // namespace
}  // namespace pipetrace::gitops
