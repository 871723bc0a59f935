// extract_webhook on every webhook fixture: go-scm JSON relayed by
// Lighthouse (X.json.golden), GitHub's and GitLab's raw payloads, octokit's
// and go-gitlab's examples; and the raw and relayed forms of one event agree.
#include "extract/webhook_extractor.h"

#include <gtest/gtest.h>

#include "fixture_support.h"
#include "model/time.h"
#include "sources/yaml_to_json.h"

namespace pipetrace {
namespace {

using testing::files_in;
using testing::fixture;
using testing::read_all;

// The form a fixture file is in, from where it lives.
std::string source_for(const std::filesystem::path& path) {
  if (path.extension() == ".golden") return "lighthouse";
  return path.parent_path().filename() == "gitlab" ? "gitlab" : "github";
}

WebhookRecord webhook(const std::string& source, const std::string& relative, const KeyValues& headers = {}) {
  ExtractResult result = extract_webhook(source, headers, read_all(fixture(relative)));
  EXPECT_EQ(result.status, ExtractStatus::Ok) << relative << ": " << result.message;
  if (!result.record) return {};
  const auto* record = std::get_if<WebhookRecord>(&*result.record);
  EXPECT_NE(record, nullptr) << relative;
  return record ? *record : WebhookRecord{};
}

TimeNs at(const char* text) { return parse_time(text).value(); }

constexpr const char* kGoScmTestGuid = "f2467dea-70d6-11e8-8955-3c83993e0aef";

TEST(WebhookExtractor, EveryFixtureYieldsARecordOrAClearErrorForEmptyBodies) {
  std::size_t records = 0, empties = 0;
  for (const char* folder : {"webhooks/github", "webhooks/gitlab", "github", "gitlab"}) {
    for (const auto& path : files_in(folder)) {
      std::string body = read_all(path);
      ExtractResult result = extract_webhook(source_for(path), {}, body);
      if (body.empty()) {
        EXPECT_EQ(result.status, ExtractStatus::Error) << path;
        EXPECT_NE(result.message.find("empty body"), std::string::npos) << path << ": " << result.message;
        ++empties;
        continue;
      }
      ASSERT_EQ(result.status, ExtractStatus::Ok) << path << ": " << result.message;
      const auto& r = std::get<WebhookRecord>(*result.record);
      EXPECT_FALSE(r.event.empty()) << path;
      EXPECT_FALSE(r.guid.empty()) << path;
      EXPECT_TRUE(r.provider == "github" || r.provider == "gitlab") << path;
      EXPECT_EQ(r.relay, source_for(path) == "lighthouse" ? "lighthouse" : "") << path;
      ++records;
    }
  }
  EXPECT_EQ(empties, 7u);  // the seven empty .golden files under webhooks/gitlab
  EXPECT_GE(records, 100u);
}

TEST(WebhookExtractor, InfersGitHubEventsFromTheShapeWhenTheHeaderIsMissing) {
  struct Case {
    const char* file;
    const char* event;
  } cases[] = {
      {"webhooks/github/push.json", "push"},           {"webhooks/github/pr_opened.json", "pull_request"},
      {"webhooks/github/issue_comment.json", "issue_comment"},
      {"webhooks/github/pr_comment.json", "pull_request_review_comment"},
      {"webhooks/github/branch_create.json", "create"}, {"webhooks/github/tag_delete.json", "delete"},
      {"webhooks/github/ping.json", "ping"},           {"webhooks/github/check_run_created.json", "check_run"},
      {"webhooks/github/deployment_status.json", "deployment_status"},
      {"webhooks/github/installation_repository.json", "installation_repository"},
      {"github/octokit-release.published.10.json", "release"},
      {"github/octokit-workflow_run.completed.1.json", "workflow_run"},
  };
  for (const auto& c : cases) EXPECT_EQ(webhook("github", c.file).event, c.event) << c.file;
  // The header, when present, is what GitHub says and wins.
  EXPECT_EQ(webhook("github", "webhooks/github/push.json", {{"x-github-event", "Push"}}).event, "push");
}

TEST(WebhookExtractor, PushInAllThreeForms) {
  WebhookRecord raw = webhook("github", "webhooks/github/push.json");
  EXPECT_EQ(raw.provider, "github");
  EXPECT_EQ(raw.relay, "");
  EXPECT_EQ(raw.event, "push");
  EXPECT_EQ(raw.action, "");
  EXPECT_EQ(raw.ref, "refs/heads/master");
  EXPECT_EQ(raw.sha, "199eddf46df50de8d02e99bf1c5fdb4101338224");
  EXPECT_EQ(raw.base_sha, "a10867b14bb761a232cd80139fbd4c0d33264240");
  EXPECT_EQ(raw.repo_full_name, "Codertocat/Hello-World");
  EXPECT_EQ(raw.repo_url, "https://github.com/Codertocat/Hello-World");
  EXPECT_EQ(raw.sender, "Codertocat");
  EXPECT_EQ(raw.timestamp, at("2018-06-15T13:01:51-07:00"));

  WebhookRecord relayed = webhook("lighthouse", "webhooks/github/push.json.golden");
  EXPECT_EQ(relayed.provider, "github");
  EXPECT_EQ(relayed.relay, "lighthouse");
  EXPECT_EQ(relayed.event, "push");
  EXPECT_EQ(relayed.guid, kGoScmTestGuid);
  EXPECT_EQ(relayed.ref, "refs/heads/master");
  EXPECT_EQ(relayed.sha, raw.sha);
  EXPECT_EQ(relayed.base_sha, raw.base_sha);
  EXPECT_EQ(relayed.sender, "Codertocat");

  WebhookRecord gitlab = webhook("gitlab", "webhooks/gitlab/push.json");
  EXPECT_EQ(gitlab.provider, "gitlab");
  EXPECT_EQ(gitlab.event, "push");
  EXPECT_EQ(gitlab.ref, "refs/heads/master");
  EXPECT_EQ(gitlab.sha, "2adc9465c4edfc33834e173fe89436a7cb899a1d");
  EXPECT_EQ(gitlab.base_sha, "9217710ce8c7e1eae7a5d1c45f6e43e1c769f866");
  EXPECT_EQ(gitlab.repo_full_name, "gitlab-org/hello-world");
  EXPECT_EQ(gitlab.repo_url, "https://gitlab.com/gitlab-org/hello-world");
  EXPECT_EQ(gitlab.sender, "sytses");
  EXPECT_EQ(gitlab.timestamp, at("2017-12-10T08:26:38-08:00"));

  // Relayed from GitLab: the provider comes from the repository's host.
  WebhookRecord gitlab_relayed = webhook("lighthouse", "webhooks/gitlab/push.json.golden");
  EXPECT_EQ(gitlab_relayed.provider, "gitlab");
  EXPECT_EQ(gitlab_relayed.relay, "lighthouse");
  EXPECT_EQ(gitlab_relayed.event, "push");
  EXPECT_EQ(gitlab_relayed.sha, gitlab.sha);

  WebhookRecord gogitlab = webhook("gitlab", "gitlab/go-gitlab-push.json");
  EXPECT_EQ(gogitlab.event, "push");
  EXPECT_EQ(gogitlab.sha, "da1560886d4f094c3e6c9ef40349f7d38b5d27d7");
  EXPECT_EQ(gogitlab.repo_full_name, "mike/diaspora");
}

TEST(WebhookExtractor, TagPushInAllThreeForms) {
  WebhookRecord raw = webhook("github", "webhooks/github/push_tag.json");
  EXPECT_EQ(raw.event, "push");
  EXPECT_EQ(raw.ref, "refs/tags/v0.0.1");
  EXPECT_EQ(raw.sha, "d2b75aa7797ec26b088fa2dd527e9d2c052fcedd");
  WebhookRecord relayed = webhook("lighthouse", "webhooks/github/push_tag.json.golden");
  EXPECT_EQ(relayed.event, "push");
  EXPECT_EQ(relayed.ref, "refs/tags/v0.0.1");
  EXPECT_EQ(relayed.sha, raw.sha);

  WebhookRecord gitlab = webhook("gitlab", "gitlab/go-gitlab-tag-push.json");
  EXPECT_EQ(gitlab.event, "push");  // GitLab's tag_push is a push of a tag ref, as on GitHub
  EXPECT_EQ(gitlab.ref, "refs/tags/v1.0.0");
  EXPECT_EQ(gitlab.sha, "82b3d5ae55f7080f1e6022629cdb57bfae7cccc7");
  EXPECT_EQ(gitlab.repo_full_name, "jsmith/example");
  // go-scm turns a deleted GitLab tag into a tag hook: GitHub's "delete".
  WebhookRecord gitlab_relayed = webhook("lighthouse", "webhooks/gitlab/tag_delete.json.golden");
  EXPECT_EQ(gitlab_relayed.provider, "gitlab");
  EXPECT_EQ(gitlab_relayed.event, "delete");
  EXPECT_EQ(gitlab_relayed.ref, "v1.0.0");
  EXPECT_EQ(gitlab_relayed.sha, "2adc9465c4edfc33834e173fe89436a7cb899a1d");
}

TEST(WebhookExtractor, PullRequestOpenedInAllThreeForms) {
  WebhookRecord raw = webhook("github", "webhooks/github/pr_opened.json");
  EXPECT_EQ(raw.event, "pull_request");
  EXPECT_EQ(raw.action, "opened");
  EXPECT_EQ(raw.pr_number, "1");
  EXPECT_EQ(raw.pr_title, "Update .drone.yml");
  EXPECT_EQ(raw.pr_url, "https://github.com/bradrydzewski/drone-test-go/pull/1");
  EXPECT_EQ(raw.sha, "d2b75aa7797ec26b088fa2dd527e9d2c052fcedd");
  EXPECT_EQ(raw.ref, "master");
  EXPECT_EQ(raw.base_ref, "bradrydzewski-patch-1");
  EXPECT_EQ(raw.base_sha, "86378926c25f4b8310d3cc37f215eb6f25712850");
  EXPECT_FALSE(raw.pr_merged);
  EXPECT_EQ(raw.timestamp, at("2018-06-22T23:54:09Z"));

  WebhookRecord relayed = webhook("lighthouse", "webhooks/github/pr_opened.json.golden");
  EXPECT_EQ(relayed.event, "pull_request");
  EXPECT_EQ(relayed.action, "opened");
  EXPECT_EQ(relayed.guid, kGoScmTestGuid);
  EXPECT_EQ(relayed.pr_number, raw.pr_number);
  EXPECT_EQ(relayed.pr_title, raw.pr_title);
  EXPECT_EQ(relayed.pr_url, raw.pr_url);
  EXPECT_EQ(relayed.sha, raw.sha);
  EXPECT_EQ(relayed.ref, raw.ref);
  EXPECT_EQ(relayed.base_ref, raw.base_ref);
  EXPECT_EQ(relayed.base_sha, raw.base_sha);
  EXPECT_EQ(relayed.timestamp, raw.timestamp);

  WebhookRecord gitlab = webhook("gitlab", "webhooks/gitlab/pull_request_create.json");
  EXPECT_EQ(gitlab.event, "pull_request");
  EXPECT_EQ(gitlab.action, "opened");
  EXPECT_EQ(gitlab.pr_number, "1");
  EXPECT_EQ(gitlab.pr_title, "update readme");
  EXPECT_EQ(gitlab.pr_body, "adding build instructions to readme");
  EXPECT_EQ(gitlab.sha, "c4c79227ed610f1151f05bbc5be33b4f340d39c8");
  EXPECT_EQ(gitlab.ref, "feature");
  EXPECT_EQ(gitlab.base_ref, "master");
  EXPECT_EQ(gitlab.pr_url, "https://gitlab.com/gitlab-org/hello-world/merge_requests/1");
  WebhookRecord gitlab_relayed = webhook("lighthouse", "webhooks/gitlab/pull_request_create.json.golden");
  EXPECT_EQ(gitlab_relayed.provider, "gitlab");
  EXPECT_EQ(gitlab_relayed.action, "opened");
  EXPECT_EQ(gitlab_relayed.pr_number, "1");
  EXPECT_EQ(gitlab_relayed.sha, gitlab.sha);
}

TEST(WebhookExtractor, PullRequestClosedAndMerged) {
  WebhookRecord closed = webhook("github", "github/octokit-pull_request.closed.3.json");
  EXPECT_EQ(closed.event, "pull_request");
  EXPECT_EQ(closed.action, "closed");
  EXPECT_EQ(closed.pr_number, "2");
  EXPECT_FALSE(closed.pr_merged);

  WebhookRecord gitlab_closed = webhook("gitlab", "webhooks/gitlab/pull_request_close.json");
  EXPECT_EQ(gitlab_closed.action, "closed");
  EXPECT_FALSE(gitlab_closed.pr_merged);
  WebhookRecord gitlab_closed_relayed = webhook("lighthouse", "webhooks/gitlab/pull_request_close.json.golden");
  EXPECT_EQ(gitlab_closed_relayed.action, "closed");
  EXPECT_FALSE(gitlab_closed_relayed.pr_merged);

  // A merge is GitHub's "closed" with merged=true, raw and relayed alike.
  WebhookRecord merged = webhook("gitlab", "webhooks/gitlab/pull_request_merge.json");
  EXPECT_EQ(merged.event, "pull_request");
  EXPECT_EQ(merged.action, "closed");
  EXPECT_TRUE(merged.pr_merged);
  EXPECT_EQ(merged.pr_number, "1");
  EXPECT_EQ(merged.sha, "c4c79227ed610f1151f05bbc5be33b4f340d39c8");
  EXPECT_EQ(merged.timestamp, at("2017-12-10 17:08:07 UTC"));
  WebhookRecord merged_relayed = webhook("lighthouse", "webhooks/gitlab/pull_request_merge.json.golden");
  EXPECT_EQ(merged_relayed.event, "pull_request");
  EXPECT_EQ(merged_relayed.action, "closed");
  EXPECT_TRUE(merged_relayed.pr_merged);
  EXPECT_EQ(merged_relayed.pr_number, "1");
  WebhookRecord merged_gogitlab =
      webhook("gitlab", "gitlab/go-gitlab-merge-request.json", {{"X-Gitlab-Event", "Merge Request Hook"}});
  EXPECT_EQ(merged_gogitlab.event, "pull_request");
  EXPECT_EQ(merged_gogitlab.action, "opened");
  EXPECT_EQ(merged_gogitlab.pr_number, "1");

  // GitLab's "update" with new commits (oldrev) is GitHub's synchronize.
  EXPECT_EQ(webhook("gitlab", "webhooks/gitlab/pull_request_edited.json").action, "synchronize");
  EXPECT_EQ(webhook("gitlab", "webhooks/gitlab/pull_request_reopen.json").action, "reopened");
  EXPECT_EQ(webhook("lighthouse", "webhooks/github/pr_sync.json.golden").action, "synchronize");
  EXPECT_EQ(webhook("lighthouse", "webhooks/github/pr_edited.json.golden").action, "edited");
}

TEST(WebhookExtractor, IssueCommentInAllThreeForms) {
  WebhookRecord raw = webhook("github", "webhooks/github/issue_comment.json");
  EXPECT_EQ(raw.event, "issue_comment");
  EXPECT_EQ(raw.action, "created");
  EXPECT_EQ(raw.comment, "You are totally right! I'll get this fixed right away.");
  EXPECT_EQ(raw.pr_number, "");  // a comment on an issue, not on a PR
  EXPECT_EQ(raw.timestamp, at("2019-05-15T15:20:21Z"));
  WebhookRecord relayed = webhook("lighthouse", "webhooks/github/issue_comment.json.golden");
  EXPECT_EQ(relayed.event, "issue_comment");
  EXPECT_EQ(relayed.action, "created");
  EXPECT_EQ(relayed.comment, raw.comment);
  EXPECT_EQ(relayed.guid, kGoScmTestGuid);  // spelled "Guid" in this payload
  EXPECT_EQ(relayed.timestamp, raw.timestamp);

  // A GitLab note on a merge request is GitHub's issue_comment on a PR.
  WebhookRecord note = webhook("gitlab", "webhooks/gitlab/pull_request_comment_create.json");
  EXPECT_EQ(note.event, "issue_comment");
  EXPECT_EQ(note.action, "created");
  EXPECT_EQ(note.comment, "lgtm");
  EXPECT_EQ(note.pr_number, "1");
  EXPECT_EQ(note.sha, "c4c79227ed610f1151f05bbc5be33b4f340d39c8");
  WebhookRecord note_relayed = webhook("lighthouse", "webhooks/gitlab/pull_request_comment_create.json.golden");
  EXPECT_EQ(note_relayed.event, "issue_comment");
  EXPECT_EQ(note_relayed.comment, "lgtm");
  EXPECT_EQ(note_relayed.pr_number, "1");
  WebhookRecord note_gogitlab = webhook("gitlab", "gitlab/go-gitlab-note-merge-request.json");
  EXPECT_EQ(note_gogitlab.event, "issue_comment");
  EXPECT_FALSE(note_gogitlab.pr_number.empty());
  EXPECT_FALSE(note_gogitlab.comment.empty());
}

TEST(WebhookExtractor, RawAndRelayedFormsOfOneEventAgree) {
  std::size_t pairs = 0, same_event = 0, with_sha = 0, with_pr = 0;
  for (const char* folder : {"webhooks/github", "webhooks/gitlab"}) {
    for (const auto& path : files_in(folder)) {
      if (path.extension() != ".golden") continue;
      std::string golden = read_all(path);
      if (golden.empty()) continue;
      std::filesystem::path raw_path = path;
      raw_path.replace_extension();  // X.json.golden -> X.json
      ExtractResult raw = extract_webhook(source_for(raw_path), {}, read_all(raw_path));
      ExtractResult relayed = extract_webhook("lighthouse", {}, golden);
      ASSERT_EQ(raw.status, ExtractStatus::Ok) << raw_path;
      ASSERT_EQ(relayed.status, ExtractStatus::Ok) << path;
      const auto& r = std::get<WebhookRecord>(*raw.record);
      const auto& g = std::get<WebhookRecord>(*relayed.record);
      ++pairs;
      EXPECT_EQ(r.repo_full_name, g.repo_full_name) << path;
      // Some go-scm conversions are lossy (check runs keep no PR, a deleted
      // GitLab tag becomes a tag hook with the old sha, a push to 000...);
      // where both name the same event they must agree on what it is about.
      if (r.event != g.event) continue;
      ++same_event;
      EXPECT_EQ(r.pr_number, g.pr_number) << path;
      with_pr += r.pr_number.empty() ? 0 : 1;
      if (!r.sha.empty() || !g.sha.empty()) {
        EXPECT_EQ(r.sha, g.sha) << path;
        ++with_sha;
      }
    }
  }
  EXPECT_EQ(pairs, 42u);
  // Without a kind header, go-scm's check_run, check_suite, fork and
  // repository hooks cannot be told apart, and GitLab reports a branch or
  // tag deletion as a push where go-scm makes it a branch/tag hook.
  EXPECT_EQ(pairs - same_event, 6u);
  EXPECT_GE(with_sha, 25u);
  EXPECT_GE(with_pr, 15u);
}

TEST(WebhookExtractor, GuidComesFromBodyThenHeaderThenAHashOfTheBody) {
  std::string body = read_all(fixture("webhooks/gitlab/push.json"));
  ExtractResult with_header = extract_webhook("gitlab", {{"X-Gitlab-Event-UUID", "uuid-123"}}, body);
  EXPECT_EQ(std::get<WebhookRecord>(*with_header.record).guid, "uuid-123");
  ExtractResult plain = extract_webhook("gitlab", {}, body);
  ExtractResult again = extract_webhook("gitlab", {}, body);
  std::string derived = std::get<WebhookRecord>(*plain.record).guid;
  EXPECT_TRUE(derived.starts_with("sha256:")) << derived;
  EXPECT_EQ(derived.size(), 7u + 32u);
  EXPECT_EQ(derived, std::get<WebhookRecord>(*again.record).guid);  // stable across deliveries
  ExtractResult other = extract_webhook("gitlab", {}, read_all(fixture("webhooks/gitlab/push2.json")));
  EXPECT_NE(derived, std::get<WebhookRecord>(*other.record).guid);

  std::string github = read_all(fixture("webhooks/github/push.json"));
  ExtractResult delivery = extract_webhook("github", {{"X-GitHub-Delivery", "d-1"}}, github);
  EXPECT_EQ(std::get<WebhookRecord>(*delivery.record).guid, "d-1");
  // The body's GUID wins over the header for relayed payloads.
  ExtractResult relayed = extract_webhook("lighthouse", {{"X-GitHub-Delivery", "d-1"}},
                                          read_all(fixture("webhooks/github/push.json.golden")));
  EXPECT_EQ(std::get<WebhookRecord>(*relayed.record).guid, kGoScmTestGuid);
}

TEST(WebhookExtractor, SourceIsInferredFromHeadersOrShapeWhenNotGiven) {
  auto form = [](const KeyValues& headers, const char* file) {
    ExtractResult r = extract_webhook("", headers, read_all(fixture(file)));
    EXPECT_EQ(r.status, ExtractStatus::Ok) << file;
    return std::get<WebhookRecord>(*r.record);
  };
  EXPECT_EQ(form({}, "webhooks/gitlab/push.json").provider, "gitlab");
  EXPECT_EQ(form({}, "webhooks/github/push.json.golden").relay, "lighthouse");
  WebhookRecord kinded = form({{"X-Lighthouse-Webhook-Kind", "pull_request"}}, "webhooks/github/pr_opened.json.golden");
  EXPECT_EQ(kinded.relay, "lighthouse");
  EXPECT_EQ(kinded.event, "pull_request");
  EXPECT_EQ(form({{"X-GitHub-Event", "push"}}, "webhooks/github/push.json").relay, "");
  // Lighthouse's kind header names the go-scm kind; a branch hook is GitHub's create.
  EXPECT_EQ(form({{"X-Lighthouse-Webhook-Kind", "branch"}}, "webhooks/github/branch_create.json.golden").event,
            "create");
}

TEST(WebhookExtractor, BadBodiesAreClearErrors) {
  EXPECT_EQ(extract_webhook("github", {}, "").status, ExtractStatus::Error);
  EXPECT_EQ(extract_webhook("lighthouse", {}, "  \n").status, ExtractStatus::Error);
  ExtractResult truncated = extract_webhook("github", {}, R"({"ref":"refs/heads/main","after":)");
  EXPECT_EQ(truncated.status, ExtractStatus::Error);
  EXPECT_NE(truncated.message.find("not valid JSON"), std::string::npos) << truncated.message;
  EXPECT_EQ(extract_webhook("github", {}, "[1,2]").status, ExtractStatus::Error);
  EXPECT_EQ(extract_webhook("github", {}, "{}").status, ExtractStatus::Error);
  ExtractResult unknown = extract_webhook("bitbucket", {}, R"({"repository":{}})");
  EXPECT_EQ(unknown.status, ExtractStatus::Error);
  EXPECT_NE(unknown.message.find("bitbucket"), std::string::npos);
}

TEST(WebhookExtractor, LighthouseActivityPayloadIsAnActivityRecord) {
  YamlConversion yaml = yaml_to_json(read_all(fixture("lighthouse/activity/successful_single_task/record.yaml")));
  ASSERT_TRUE(yaml.error.empty()) << yaml.error;
  ASSERT_EQ(yaml.documents.size(), 1u);
  ExtractResult result =
      extract_webhook("lighthouse", {{"X-Lighthouse-Payload-Type", "activity"}}, yaml.documents.front());
  ASSERT_EQ(result.status, ExtractStatus::Ok) << result.message;
  const auto* activity = std::get_if<LighthouseActivityRecord>(&*result.record);
  ASSERT_NE(activity, nullptr);
  EXPECT_EQ(activity->name, "jenkins-x-lighthouse-pr-854-bbs-d5q9c-4");
  EXPECT_EQ(activity->job_id, "f46327af-b47e-11ea-b797-9256b7b8d9b0");
  EXPECT_EQ(activity->owner, "jenkins-x");
  EXPECT_EQ(activity->repo, "lighthouse");
  EXPECT_EQ(activity->last_commit_sha, "feb00a651ac860c842d02b9eac3cc2fc9eb06c10");
  EXPECT_EQ(activity->completion, at("2020-07-20T18:00:05Z"));
  EXPECT_EQ(extract_webhook("lighthouse", {{"X-Lighthouse-Payload-Type", "activity"}}, "").status,
            ExtractStatus::Error);
}

}  // namespace
}  // namespace pipetrace
