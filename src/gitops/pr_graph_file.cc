// See pr_graph_file.h.
#include "gitops/pr_graph_file.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

namespace pipetrace::gitops {
namespace {

using nlohmann::json;

// Version of the file's layout; a newer one than this build knows is refused.
constexpr int kFormatVersion = 1;

json key_json(const PrKey& key) { return key.empty() ? json(nullptr) : json(key.text()); }

PrKey key_from(const json& value) {
  PrKey key;
  if (value.is_string()) parse_pr_key(value.get<std::string>(), key);
  return key;
}

PrState state_from(const std::string& name) {
  if (name == "merged") return PrState::Merged;
  if (name == "closed") return PrState::Closed;
  return PrState::Open;
}

json record_json(const PrRecord& r) {
  json promotes = json::array();
  for (const PrKey& key : r.promotes) promotes.push_back(key.text());
  json releases = json::array();
  for (const ReleaseRun& run : r.releases) {
    releases.push_back({{"guid", run.guid}, {"ref", run.ref}, {"sha", run.sha}, {"pushedAt", run.pushed_at},
                        {"endedAt", run.ended_at}});
  }
  return {{"key", r.key.text()},       {"title", r.title},          {"url", r.url},
          {"body", r.body},            {"headRef", r.head_ref},     {"headSha", r.head_sha},
          {"baseRef", r.base_ref},     {"mergeSha", r.merge_sha},   {"state", pr_state_name(r.state)},
          {"openedAt", r.opened_at},   {"finishedAt", r.finished_at}, {"seen", r.seen},
          {"fetched", r.fetched},      {"promotes", promotes},      {"commits", r.commit_shas},
          {"parent", key_json(r.parent)}, {"linkedParent", key_json(r.linked_parent)},
          {"releases", releases},      {"emitted", r.emitted},      {"commentedTrace", r.commented_trace},
          {"lastChange", r.last_change}};
}

PrRecord record_from(const json& j) {
  PrRecord r;
  r.key = key_from(j.value("key", json()));
  r.title = j.value("title", "");
  r.url = j.value("url", "");
  r.body = j.value("body", "");
  r.head_ref = j.value("headRef", "");
  r.head_sha = j.value("headSha", "");
  r.base_ref = j.value("baseRef", "");
  r.merge_sha = j.value("mergeSha", "");
  r.state = state_from(j.value("state", "open"));
  r.opened_at = j.value("openedAt", TimeNs{0});
  r.finished_at = j.value("finishedAt", TimeNs{0});
  r.seen = j.value("seen", false);
  r.fetched = j.value("fetched", false);
  for (const json& key : j.value("promotes", json::array())) {
    if (PrKey k = key_from(key); !k.empty()) r.promotes.push_back(k);
  }
  r.commit_shas = j.value("commits", std::vector<std::string>{});
  r.parent = key_from(j.value("parent", json()));
  r.linked_parent = key_from(j.value("linkedParent", json()));
  for (const json& run : j.value("releases", json::array())) {
    r.releases.push_back({run.value("guid", ""), run.value("ref", ""), run.value("sha", ""),
                          run.value("pushedAt", TimeNs{0}), run.value("endedAt", TimeNs{0})});
  }
  r.emitted = j.value("emitted", false);
  r.commented_trace = j.value("commentedTrace", "");
  r.last_change = j.value("lastChange", TimeNs{0});
  return r;
}

}  // namespace

std::string save_pr_graph(const PrGraph& graph, const std::string& path) {
  json records = json::array();
  for (const auto& [key, record] : graph.records()) records.push_back(record_json(record));
  const std::string text = json{{"version", kFormatVersion}, {"pullRequests", records}}.dump();

  const std::string temporary = path + ".tmp";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return "cannot write " + temporary + ": " + std::strerror(errno);
  std::size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string error = "cannot write " + temporary + ": " + std::strerror(errno);
      ::close(fd);
      return error;
    }
    written += static_cast<std::size_t>(n);
  }
  // The data must be on disk before the rename makes it the state.
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) return "cannot flush " + temporary + " to disk: " + std::strerror(errno);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    return "cannot replace " + path + ": " + std::strerror(errno);
  }
  return "";
}

std::string load_pr_graph(const std::string& path, PrGraph& graph) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return "";
  std::ifstream in(path, std::ios::binary);
  if (!in) return "cannot read " + path;
  std::stringstream text;
  text << in.rdbuf();
  json document = json::parse(text.str(), nullptr, false);
  if (document.is_discarded() || !document.is_object()) return path + " is not a JSON object";
  if (document.value("version", 0) > kFormatVersion) {
    return path + " was written by a newer pipetrace (format " + std::to_string(document.value("version", 0)) + ")";
  }
  const json& records = document.value("pullRequests", json::array());
  if (!records.is_array()) return path + ": pullRequests is not an array";
  try {
    for (const json& entry : records) {
      if (!entry.is_object()) continue;
      PrRecord record = record_from(entry);
      if (record.key.empty()) continue;
      PrKey key = record.key;
      graph.records()[key] = std::move(record);
    }
  } catch (const json::exception& e) {
    return path + ": a pull request entry has a field of the wrong type: " + e.what();
  }
  return "";
}

}  // namespace pipetrace::gitops
