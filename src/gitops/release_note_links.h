// Finds the application PRs and commits an environment PR's body links: the
// release notes of the release it promotes. Tolerant of Markdown: links may be
// bare, in [text](url) or <url>, bold, in code spans, in lists and tables,
// followed by punctuation. Recognised forms:
//   https://HOST/owner/repo/pull/12[/files|#...]       GitHub PR (any host)
//   https://HOST/owner/repo/commit/SHA                 GitHub commit
//   https://HOST/group/sub/project/-/merge_requests/7   GitLab MR (also without "/-")
//   https://HOST/group/project/-/commit/SHA            GitLab commit
//   owner/repo#12                                      GitHub PR (an issue on GitLab: skipped)
//   group/project!7, !7                                GitLab MR (!7: the notes' own project)
// Issue links and a bare #12 are skipped: in release notes they name issues
// at least as often as PRs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pipetrace::gitops {

enum class NoteLinkKind { PullRequest, Commit };

struct NoteLink {
  NoteLinkKind kind = NoteLinkKind::PullRequest;
  std::string provider;  // "github" | "gitlab"
  std::string repo;      // lower case; "" for a relative !7 the notes did not place
  std::string number;    // PullRequest: the PR number / MR iid
  std::string sha;       // Commit: 7 to 40 hex digits, lower case
  bool operator==(const NoteLink&) const = default;
};

// `provider` is the provider of the PR whose body this is; it decides what
// the short forms mean. Relative MR references (!7) take the repository that
// the body's other GitLab links name most often; with none, they stay repo-less.
// Duplicates are removed; the order is that of first appearance.
std::vector<NoteLink> parse_release_note_links(std::string_view body, std::string_view provider);

}  // namespace pipetrace::gitops
