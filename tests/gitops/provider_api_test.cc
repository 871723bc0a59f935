// The GitHub and GitLab REST clients and the comment writer against the fake
// provider API over real HTTP: PR reads, one comment created then updated in
// place, and rate-limit answers honoured (with a clock the test drives).
#include <gtest/gtest.h>

#include "fake_provider_server.h"
#include "gitops/github_provider.h"
#include "gitops/gitlab_provider.h"
#include "gitops/trace_comment.h"
#include "gitops_test_support.h"
#include "model/ids.h"

namespace pipetrace::gitops {
namespace {

using testing::FakeProviderServer;

constexpr TimeNs kSecond = 1000000000LL;

// The clock and the waits of one client: waiting moves the clock.
struct TestClient {
  explicit TestClient(const char* name)
      : clock(testing::at("2026-11-27T12:00:00Z")),
        http(name, ProviderHttpOptions{std::chrono::milliseconds(5000), std::chrono::seconds(120)}, clock,
             [this](std::chrono::nanoseconds d) {
               waits.push_back(d.count());
               clock.advance(d.count());
             }) {}
  ManualClock clock;
  std::vector<TimeNs> waits;
  ProviderHttp http;
};

nlohmann::json github_pull(const std::string& body) {
  nlohmann::json pr = testing::fixture("fixtures/github/octokit-pull_request.closed.3.json")["pull_request"];
  pr["body"] = body;
  pr["merged"] = true;
  pr["merged_at"] = "2026-11-27T11:00:00Z";
  pr["merge_commit_sha"] = "c4295bd74fb0f4fda03689c3df3f2803b658fd85";
  return pr;
}

TEST(GitHubProvider, ReadsAPullRequest) {
  FakeProviderServer server;
  server.add_github_pr("codertocat/hello-world", 2, github_pull("release notes"));
  TestClient client("GitHub");
  GitHubProvider github({server.github_url(), FakeProviderServer::kGitHubToken}, client.http);

  auto pr = github.get_pr(make_pr_key("github", "Codertocat/Hello-World", "2"));
  ASSERT_TRUE(pr.ok()) << pr.error;
  EXPECT_EQ(pr.value.title, "Update the README with new information.");
  EXPECT_EQ(pr.value.body, "release notes");
  EXPECT_EQ(pr.value.state, "merged");
  EXPECT_EQ(pr.value.base_ref, "master");
  EXPECT_EQ(pr.value.merge_sha, "c4295bd74fb0f4fda03689c3df3f2803b658fd85");
  EXPECT_EQ(pr.value.created_at, testing::at("2019-05-15T15:20:33Z"));
  EXPECT_EQ(pr.value.finished_at, testing::at("2026-11-27T11:00:00Z"));
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].path, "/github/repos/codertocat/hello-world/pulls/2");
  EXPECT_EQ(server.requests()[0].credential, "Bearer ghp_test_token");
}

TEST(GitHubProvider, MissingPullRequestAndBadTokenAreErrorsNamingThePr) {
  FakeProviderServer server;
  TestClient client("GitHub");
  GitHubProvider github({server.github_url(), FakeProviderServer::kGitHubToken}, client.http);
  auto missing = github.get_pr(make_pr_key("github", "acme/app", "9"));
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.error.find("github:acme/app#9"), std::string::npos) << missing.error;
  EXPECT_NE(missing.error.find("HTTP 404"), std::string::npos) << missing.error;

  server.add_github_pr("acme/app", 9, github_pull(""));
  GitHubProvider wrong_token({server.github_url(), "expired"}, client.http);
  auto refused = wrong_token.get_pr(make_pr_key("github", "acme/app", "9"));
  EXPECT_NE(refused.error.find("HTTP 401"), std::string::npos) << refused.error;
}

TEST(GitLabProvider, ReadsAMergeRequestByItsUrlEncodedProjectPath) {
  FakeProviderServer server;
  nlohmann::json mr = testing::fixture("fixtures/webhooks/gitlab/pull_request_merge.json")["object_attributes"];
  mr["web_url"] = mr["url"];
  mr["merged_at"] = "2017-12-10T17:08:07Z";
  mr["sha"] = mr["last_commit"]["id"];
  server.add_gitlab_mr("gitlab-org/hello-world", 1, mr);
  TestClient client("GitLab");
  GitLabProvider gitlab({server.gitlab_url(), FakeProviderServer::kGitLabToken}, client.http);

  auto got = gitlab.get_pr(make_pr_key("gitlab", "gitlab-org/hello-world", "1"));
  ASSERT_TRUE(got.ok()) << got.error;
  EXPECT_EQ(got.value.body, "adding build instructions to readme");
  EXPECT_EQ(got.value.state, "merged");
  EXPECT_EQ(got.value.base_ref, "master");
  EXPECT_EQ(got.value.created_at, testing::at("2017-12-10T17:01:11Z"));
  EXPECT_EQ(got.value.finished_at, testing::at("2017-12-10T17:08:07Z"));
  EXPECT_EQ(server.requests().at(0).credential, "glpat-test-token");
}

TEST(TraceComment, CreatedOnceThenUpdatedInPlaceOnGitHub) {
  FakeProviderServer server;
  server.add_comment("codertocat/hello-world", 2, "LGTM");
  TestClient client("GitHub");
  GitHubProvider github({server.github_url(), FakeProviderServer::kGitHubToken}, client.http);
  TraceCommentWriter writer("https://grafana.example/explore?traceId={traceId}");
  const PrKey key = make_pr_key("github", "Codertocat/Hello-World", "2");
  const TraceId first = derive_trace_id({"first"});
  const TraceId second = derive_trace_id({"second"});

  auto created = writer.write(github, key, first);
  ASSERT_TRUE(created.ok()) << created.error;
  EXPECT_EQ(created.value, CommentOutcome::Created);
  auto again = writer.write(github, key, first);
  EXPECT_EQ(again.value, CommentOutcome::Unchanged);
  auto updated = writer.write(github, key, second);
  ASSERT_TRUE(updated.ok()) << updated.error;
  EXPECT_EQ(updated.value, CommentOutcome::Updated);

  auto comments = server.comments("codertocat/hello-world", 2);
  ASSERT_EQ(comments.size(), 2u);  // somebody's LGTM and our one comment
  EXPECT_EQ(comments[0].body, "LGTM");
  EXPECT_NE(comments[1].body.find(kTraceCommentMarker), std::string::npos);
  EXPECT_NE(comments[1].body.find(second.hex()), std::string::npos);
  EXPECT_NE(comments[1].body.find("https://grafana.example/explore?traceId=" + second.hex()), std::string::npos);
  EXPECT_EQ(comments[1].body.find(first.hex()), std::string::npos);
  EXPECT_EQ(server.count("POST", "/comments"), 1u);
  EXPECT_EQ(server.count("PATCH", "/issues/comments/"), 1u);
}

TEST(TraceComment, NotesOnGitLabSkipSystemNotesAndAreUpdatedInPlace) {
  FakeProviderServer server;
  server.add_comment("gitlab-org/hello-world", 1, "added 1 commit", true);
  TestClient client("GitLab");
  GitLabProvider gitlab({server.gitlab_url(), FakeProviderServer::kGitLabToken}, client.http);
  TraceCommentWriter writer("");  // no link: the ID only
  const PrKey key = make_pr_key("gitlab", "gitlab-org/hello-world", "1");
  ASSERT_TRUE(writer.write(gitlab, key, derive_trace_id({"a"})).ok());
  auto updated = writer.write(gitlab, key, derive_trace_id({"b"}));
  ASSERT_TRUE(updated.ok()) << updated.error;
  EXPECT_EQ(updated.value, CommentOutcome::Updated);
  auto notes = server.comments("gitlab-org/hello-world", 1);
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[1].body.find("]("), std::string::npos);
  EXPECT_NE(notes[1].body.find(derive_trace_id({"b"}).hex()), std::string::npos);
  EXPECT_EQ(server.count("PUT", "/notes/"), 1u);
}

TEST(ProviderHttp, TooManyRequestsWithRetryAfterIsWaitedOutThenRetried) {
  FakeProviderServer server;
  server.add_github_pr("acme/app", 5, github_pull("x"));
  server.refuse_next(429, {{"Retry-After", "17"}});
  TestClient client("GitHub");
  GitHubProvider github({server.github_url(), FakeProviderServer::kGitHubToken}, client.http);
  auto pr = github.get_pr(make_pr_key("github", "acme/app", "5"));
  ASSERT_TRUE(pr.ok()) << pr.error;
  ASSERT_EQ(client.waits.size(), 1u);
  EXPECT_EQ(client.waits[0], 17 * kSecond);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].answered, 429);
  EXPECT_EQ(requests[1].answered, 200);
}

TEST(ProviderHttp, ForbiddenWithASpentBudgetWaitsUntilTheReset) {
  FakeProviderServer server;
  server.add_github_pr("acme/app", 5, github_pull("x"));
  TestClient client("GitHub");
  const TimeNs reset = client.clock.now() + 42 * kSecond;
  server.refuse_next(403, {{"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset", std::to_string(reset / kSecond)}});
  GitHubProvider github({server.github_url(), FakeProviderServer::kGitHubToken}, client.http);
  auto pr = github.get_pr(make_pr_key("github", "acme/app", "5"));
  ASSERT_TRUE(pr.ok()) << pr.error;
  ASSERT_EQ(client.waits.size(), 1u);
  EXPECT_EQ(client.waits[0], 42 * kSecond);
  EXPECT_GE(client.clock.now(), reset);
}

TEST(ProviderHttp, GitLabRateLimitHeadersHoldTheNextRequestUntilReset) {
  FakeProviderServer server;
  nlohmann::json mr{{"iid", 1}, {"description", "d"}, {"state", "opened"}};
  server.add_gitlab_mr("group/app", 1, mr);
  TestClient client("GitLab");
  const TimeNs reset = client.clock.now() + 30 * kSecond;
  // The answer succeeds but spends the budget: the next request waits for the reset.
  server.set_success_headers({{"RateLimit-Remaining", "0"}, {"RateLimit-Reset", std::to_string(reset / kSecond)}});
  GitLabProvider gitlab({server.gitlab_url(), FakeProviderServer::kGitLabToken}, client.http);
  ASSERT_TRUE(gitlab.get_pr(make_pr_key("gitlab", "group/app", "1")).ok());
  EXPECT_TRUE(client.waits.empty());
  server.set_success_headers({});
  ASSERT_TRUE(gitlab.get_pr(make_pr_key("gitlab", "group/app", "1")).ok());
  ASSERT_EQ(client.waits.size(), 1u);
  EXPECT_EQ(client.waits[0], 30 * kSecond);
}

TEST(ProviderHttp, AWaitLongerThanAllowedIsNotTakenAndNothingIsSentUntilThen) {
  FakeProviderServer server;
  server.add_github_pr("acme/app", 5, github_pull("x"));
  TestClient client("GitHub");  // allows 120 s
  server.refuse_next(429, {{"Retry-After", "3600"}});
  GitHubProvider github({server.github_url(), FakeProviderServer::kGitHubToken}, client.http);
  auto refused = github.get_pr(make_pr_key("github", "acme/app", "5"));
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.error.find("rate limit"), std::string::npos) << refused.error;
  EXPECT_TRUE(client.waits.empty());
  auto held = github.get_pr(make_pr_key("github", "acme/app", "5"));
  EXPECT_FALSE(held.ok());
  EXPECT_EQ(server.requests().size(), 1u);  // the held request never reached the server
  client.clock.advance(3600 * kSecond);
  EXPECT_TRUE(github.get_pr(make_pr_key("github", "acme/app", "5")).ok());
}

TEST(ProviderHttp, ForbiddenWithoutRateLimitHeadersIsNotRetried) {
  FakeProviderServer server;
  server.refuse_next(403, {});
  TestClient client("GitHub");
  GitHubProvider github({server.github_url(), FakeProviderServer::kGitHubToken}, client.http);
  auto refused = github.get_pr(make_pr_key("github", "acme/app", "5"));
  EXPECT_NE(refused.error.find("HTTP 403"), std::string::npos) << refused.error;
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_TRUE(client.waits.empty());
}

}  // namespace
}  // namespace pipetrace::gitops
