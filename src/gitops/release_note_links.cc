// See release_note_links.h.
#include "gitops/release_note_links.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>

namespace pipetrace::gitops {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_digits(std::string_view s) {
  return !s.empty() && s.size() <= 12 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool is_sha(std::string_view s) {
  return s.size() >= 7 && s.size() <= 40 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isxdigit(c); });
}

// Characters that end a URL in Markdown or HTML around it.
bool ends_url(char c) {
  return std::isspace(static_cast<unsigned char>(c)) || c == ')' || c == ']' || c == '>' || c == '<' || c == '"' ||
         c == '\'' || c == '`' || c == '*' || c == '|' || c == '{' || c == '}';
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) parts.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

std::string join(const std::vector<std::string>& parts, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += (i ? "/" : "") + parts[i];
  return lower(out);
}

// One URL (scheme already checked) to a link, when it names a PR, an MR or a commit.
bool read_url(std::string_view url, NoteLink& out) {
  std::string_view rest = url.substr(url.find("://") + 3);
  std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return false;
  std::string host = lower(rest.substr(0, slash));
  std::string_view path = rest.substr(slash);
  path = path.substr(0, std::min(path.find('?'), path.find('#')));
  std::vector<std::string> parts = split_path(path);

  // GitLab: everything before "/-/" (or before a bare "merge_requests") is the project path.
  auto dash = std::find(parts.begin(), parts.end(), "-");
  if (dash != parts.end()) {
    std::size_t repo_len = static_cast<std::size_t>(dash - parts.begin());
    if (repo_len < 2 || repo_len + 2 >= parts.size()) return false;
    const std::string& what = parts[repo_len + 1];
    const std::string& id = parts[repo_len + 2];
    if (what == "merge_requests" && is_digits(id)) {
      out = {NoteLinkKind::PullRequest, "gitlab", join(parts, repo_len), id, ""};
      return true;
    }
    if (what == "commit" && is_sha(id)) {
      out = {NoteLinkKind::Commit, "gitlab", join(parts, repo_len), "", lower(id)};
      return true;
    }
    return false;
  }
  for (std::size_t i = 2; i + 1 < parts.size(); ++i) {
    const std::string& what = parts[i];
    const std::string& id = parts[i + 1];
    if (what == "merge_requests" && is_digits(id)) {  // GitLab before the "/-/" routes
      out = {NoteLinkKind::PullRequest, "gitlab", join(parts, i), id, ""};
      return true;
    }
    if (i != 2) continue;  // GitHub paths are exactly owner/repo/...
    if ((what == "pull" || what == "pulls") && is_digits(id)) {
      out = {NoteLinkKind::PullRequest, "github", join(parts, 2), id, ""};
      return true;
    }
    if (what == "commit" && is_sha(id)) {
      bool gitlab_host = host.find("gitlab") != std::string::npos;
      out = {NoteLinkKind::Commit, gitlab_host ? "gitlab" : "github", join(parts, 2), "", lower(id)};
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<NoteLink> parse_release_note_links(std::string_view body, std::string_view provider) {
  std::vector<NoteLink> found;
  std::string rest(body);  // URLs are blanked out of it so the short forms do not see their paths

  for (std::size_t at = 0; (at = rest.find("http", at)) != std::string::npos;) {
    std::size_t scheme_end = rest.compare(at, 8, "https://") == 0 ? at + 8
                             : rest.compare(at, 7, "http://") == 0 ? at + 7
                                                                    : std::string::npos;
    if (scheme_end == std::string::npos) {
      at += 4;
      continue;
    }
    std::size_t end = scheme_end;
    while (end < rest.size() && !ends_url(rest[end])) ++end;
    std::string_view url(rest.data() + at, end - at);
    while (!url.empty() && std::string_view(".,;:!?").find(url.back()) != std::string_view::npos) url.remove_suffix(1);
    NoteLink link;
    if (read_url(url, link)) found.push_back(std::move(link));
    std::fill(rest.begin() + static_cast<std::ptrdiff_t>(at), rest.begin() + static_cast<std::ptrdiff_t>(end), ' ');
    at = end;
  }

  // owner/repo#12, group/project!7, !7: not inside a word or a path.
  static const std::regex short_ref(R"((^|[^A-Za-z0-9_/.!#&-])((?:[A-Za-z0-9_.-]+/)+[A-Za-z0-9_.-]+)?([#!])([0-9]+)(?![A-Za-z0-9_]))");
  std::vector<NoteLink> relative;
  for (auto it = std::sregex_iterator(rest.begin(), rest.end(), short_ref); it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    std::string repo = lower(m[2].str());
    if (m[3] == "#") {
      if (repo.empty() || provider == "gitlab") continue;  // bare #12, or a GitLab issue
      found.push_back({NoteLinkKind::PullRequest, "github", repo, m[4].str(), ""});
    } else {
      found.push_back({NoteLinkKind::PullRequest, "gitlab", repo, m[4].str(), ""});
    }
  }

  // Relative MR references belong to the project the notes are about.
  std::map<std::string, int> gitlab_repos;
  for (const NoteLink& link : found) {
    if (link.provider == "gitlab" && !link.repo.empty()) ++gitlab_repos[link.repo];
  }
  std::string main_repo;
  int best = 0;
  for (const auto& [repo, count] : gitlab_repos) {
    if (count > best) best = count, main_repo = repo;
  }
  std::vector<NoteLink> unique;
  for (NoteLink& link : found) {
    if (link.provider == "gitlab" && link.repo.empty()) link.repo = main_repo;
    if (std::find(unique.begin(), unique.end(), link) == unique.end()) unique.push_back(std::move(link));
  }
  return unique;
}

}  // namespace pipetrace::gitops
