// The release-note link parser on GitHub and GitLab link forms, inside the
// Markdown that environment PR bodies wrap them in.
#include "gitops/release_note_links.h"

#include <gtest/gtest.h>

#include "gitops_test_support.h"

namespace pipetrace::gitops {
namespace {

using testing::read_text;

NoteLink pr(const char* provider, const char* repo, const char* number) {
  return {NoteLinkKind::PullRequest, provider, repo, number, ""};
}
NoteLink commit(const char* provider, const char* repo, const char* sha) {
  return {NoteLinkKind::Commit, provider, repo, "", sha};
}

TEST(ReleaseNoteLinks, JenkinsXStagingNotesOnGitHub) {
  auto links = parse_release_note_links(read_text("gitops/github-staging-promotion.md"), "github");
  std::vector<NoteLink> expected{
      commit("github", "codertocat/hello-world", "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c"),
      commit("github", "codertocat/hello-world", "ec26c3e57ca3a959ca5aad62de7213c562f8c821"),
      pr("github", "codertocat/hello-world", "2"),
  };
  EXPECT_EQ(links, expected);  // the issue link (#1) and the docs link are not PRs
}

TEST(ReleaseNoteLinks, OwnerRepoHashNumberInsideATableAndBold) {
  auto links = parse_release_note_links(read_text("gitops/github-production-promotion.md"), "github");
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0], pr("github", "codertocat/hello-world", "2"));
}

TEST(ReleaseNoteLinks, GitLabNotesWithRelativeAndFullMergeRequestReferences) {
  auto links = parse_release_note_links(read_text("gitops/gitlab-staging-promotion.md"), "gitlab");
  std::vector<NoteLink> expected{
      commit("gitlab", "gitlab-org/hello-world", "c4c79227ed610f1151f05bbc5be33b4f340d39c8"),
      pr("gitlab", "gitlab-org/hello-world", "1"),
  };
  // "!1", "gitlab-org/hello-world!1" and the /-/merge_requests/1 URL are one MR.
  EXPECT_EQ(links, expected);
}

TEST(ReleaseNoteLinks, EveryFormInItsMarkdownAndNoLookAlikes) {
  auto links = parse_release_note_links(read_text("gitops/markdown-varieties.md"), "github");
  std::vector<NoteLink> expected{
      pr("github", "acme/widgets", "41"),
      pr("github", "acme/widgets", "42"),
      pr("github", "acme/widgets", "43"),
      commit("github", "acme/widgets", "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"),
      pr("gitlab", "acme/platform/api", "5"),
      pr("gitlab", "acme/legacy", "9"),
      commit("gitlab", "acme/platform/api", "89abcdef0123"),
      pr("github", "acme/gadgets", "7"),
      pr("github", "acme/gadgets", "8"),
      pr("gitlab", "group/sub/project", "6"),
      pr("gitlab", "acme/platform/api", "12"),
      pr("gitlab", "acme/platform/api", "13"),
  };
  EXPECT_EQ(links, expected);
}

TEST(ReleaseNoteLinks, OwnerRepoHashIsAnIssueOnGitLab) {
  EXPECT_TRUE(parse_release_note_links("fixes group/project#4", "gitlab").empty());
  EXPECT_EQ(parse_release_note_links("fixes group/project#4", "github"),
            std::vector<NoteLink>{pr("github", "group/project", "4")});
}

TEST(ReleaseNoteLinks, RelativeMergeRequestWithoutAProjectStaysRepoLess) {
  auto links = parse_release_note_links("* merged !3", "gitlab");
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0], pr("gitlab", "", "3"));
}

TEST(ReleaseNoteLinks, EnterpriseHostsAndSelfManagedGitLab) {
  auto links = parse_release_note_links(
      "see https://git.corp.example/Team/App/pull/77 and https://gitlab.corp.example/ops/app/-/merge_requests/8 and "
      "https://gitlab.corp.example/ops/app/commit/abcdef1",
      "github");
  std::vector<NoteLink> expected{pr("github", "team/app", "77"), pr("gitlab", "ops/app", "8"),
                                 commit("gitlab", "ops/app", "abcdef1")};
  EXPECT_EQ(links, expected);
}

TEST(ReleaseNoteLinks, EmptyAndLinklessBodies) {
  EXPECT_TRUE(parse_release_note_links("", "github").empty());
  EXPECT_TRUE(parse_release_note_links("This is a pretty simple change that we need to pull into master.", "github")
                  .empty());
  EXPECT_TRUE(parse_release_note_links("http:// https://github.com https://github.com/a/b/pull/x", "github").empty());
}

}  // namespace
}  // namespace pipetrace::gitops
