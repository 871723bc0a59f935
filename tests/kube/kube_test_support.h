// Shared pieces of the kube tests: the fixture set the test API server is
// filled with, a thread-safe collector of watch lines, polling waits, and
// child processes (kubectl, pipetrace record).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "kube/kind_watcher.h"
#include "kube_api_server.h"
#include "test_cluster.h"

extern char** environ;

namespace pipetrace::kube_test {

inline std::string fixture(const std::string& relative) {
  return std::string(PIPETRACE_TESTDATA) + "/fixtures/" + relative;
}

// A small cluster state: a Lighthouse job, its PipelineRuns (v1alpha1 and
// v1), a TaskRun, the task pods, a PipelineActivity, events of both APIs, and
// one pod that is not a CI pod.
inline const std::vector<std::string>& pipeline_fixture_files() {
  static const std::vector<std::string> files = {
      "lighthouse/controller/start-push/observed-lhjob.yml",
      "tekton/jx-controller-running-generated.pipelineruns.yaml",
      "jx/pipelines/cases/create/pipelinerun.yaml",
      "jx/pipelines/cases/create/taskrun.yaml",
      "pods/jx-controller-completed-generated.pods.yaml",
      "pods/pod-running-restart-always.yaml",
      "jx/jx-controller-completed-generated.activity-before.yaml",
      "events/troubleshoot-baseline-default.eventlist.json",
      "events/k8s-api-roundtrip-events.k8s.io.v1.Event.json",
  };
  return files;
}

inline std::size_t load_pipeline_fixtures(testing::KubeApiServer& server) {
  std::size_t total = 0;
  for (const auto& file : pipeline_fixture_files()) {
    std::string error;
    std::size_t n = server.load_file(fixture(file), error);
    EXPECT_EQ(error, "") << file;
    EXPECT_GT(n, 0u) << file;
    total += n;
  }
  return total;
}

using testing::read_object_file;

// A kubeconfig spec from its file name, changed by `edit`.
inline testing::KubeconfigSpec kubeconfig_spec(const std::string& name,
                                               const std::function<void(testing::KubeconfigSpec&)>& edit = {}) {
  testing::KubeconfigSpec spec;
  spec.name = name;
  if (edit) edit(spec);
  return spec;
}

// Polls `done` until it holds or `timeout` passes.
inline bool eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

// One delivered watch line, with the identity read back from its JSON.
struct SeenLine {
  std::string kind;
  std::string api_version;  // of the resource being watched
  std::string type;
  std::string json;
  std::string uid;
  std::string name;
  std::string ns;
  std::string resource_version;
  bool from_list = false;
  bool deleted_while_away = false;
  TimeNs observed_at = 0;
};

class WatchCollector {
 public:
  void on_line(const kube::WatchLine& line) {
    SeenLine seen;
    seen.kind = line.kind->name;
    seen.api_version = line.resource->api_version();
    seen.type = std::string(line.type);
    seen.json = std::string(line.json);
    seen.from_list = line.from_list;
    seen.deleted_while_away = line.deleted_while_away;
    seen.observed_at = line.observed_at;
    auto parsed = nlohmann::json::parse(seen.json, nullptr, false);
    EXPECT_TRUE(parsed.is_object()) << "not JSON: " << seen.json.substr(0, 200);
    if (parsed.is_object() && parsed.contains("object") && parsed["object"].contains("metadata")) {
      const auto& meta = parsed["object"]["metadata"];
      seen.uid = meta.value("uid", "");
      seen.name = meta.value("name", "");
      seen.ns = meta.value("namespace", "");
      seen.resource_version = meta.value("resourceVersion", "");
    }
    std::lock_guard lock(mutex_);
    lines_.push_back(std::move(seen));
  }
  void on_status(const kube::WatchStatus& status) {
    std::lock_guard lock(mutex_);
    statuses_.push_back(status);
  }
  kube::WatchLineHandler line_handler() {
    return [this](const kube::WatchLine& l) { on_line(l); };
  }
  kube::WatchStatusHandler status_handler() {
    return [this](const kube::WatchStatus& s) { on_status(s); };
  }

  // BOOKMARKs come at the server's pace; most tests look past them.
  std::vector<SeenLine> lines(bool with_bookmarks = false) const {
    std::lock_guard lock(mutex_);
    std::vector<SeenLine> out;
    for (const auto& l : lines_)
      if (with_bookmarks || l.type != "BOOKMARK") out.push_back(l);
    return out;
  }
  std::vector<SeenLine> lines_of(const std::string& kind, bool with_bookmarks = false) const {
    std::vector<SeenLine> out;
    for (auto& l : lines(with_bookmarks))
      if (l.kind == kind) out.push_back(l);
    return out;
  }
  std::vector<kube::WatchStatus> statuses() const {
    std::lock_guard lock(mutex_);
    return statuses_;
  }
  std::size_t count_status(const std::string& kind, kube::WatchState state) const {
    std::size_t n = 0;
    for (const auto& s : statuses())
      if (s.kind == kind && s.state == state) ++n;
    return n;
  }
  std::size_t count(const std::string& kind, const std::string& type) const {
    std::size_t n = 0;
    for (const auto& l : lines(true))
      if (l.kind == kind && l.type == type) ++n;
    return n;
  }
  // The last resourceVersion seen per uid, after applying DELETEDs.
  std::map<std::string, std::string> state_of(const std::string& kind) const {
    std::map<std::string, std::string> state;
    for (const auto& l : lines_of(kind)) {
      if (l.type == "DELETED") state.erase(l.uid);
      else if (l.type == "ADDED" || l.type == "MODIFIED") state[l.uid] = l.resource_version;
    }
    return state;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<SeenLine> lines_;
  std::vector<kube::WatchStatus> statuses_;
};

// The uid -> resourceVersion of every object the server holds for a kind.
inline std::map<std::string, std::string> server_state(testing::KubeApiServer& server, const std::string& group,
                                                       const std::string& version, const std::string& plural,
                                                       const std::string& label_selector = "") {
  auto r = server.registry().find(group, version, plural);
  EXPECT_TRUE(r.has_value()) << plural;
  std::map<std::string, std::string> state;
  if (!r) return state;
  std::string error;
  auto labels = testing::Selector::parse_labels(label_selector, error);
  auto fields = testing::Selector::parse_fields("", error);
  auto list = server.store().list(*r, "", *labels, *fields, 0, "");
  for (const auto& item : list.body["items"])
    state[item["metadata"].value("uid", "")] = item["metadata"].value("resourceVersion", "");
  return state;
}

struct ProcessResult {
  int exit_code = -1;  // -1: killed by a signal or not started
  std::string out;
  std::string err;
};

// A child process with stdout and stderr sent to files.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::string& out_file, const std::string& err_file)
      : out_file_(out_file), err_file_(err_file) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    // The test binary's threads may block signals; the child starts clean.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    if (posix_spawn(&pid_, args[0], &actions, &attr, args.data(), environ) != 0) pid_ = -1;
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
  }
  ~ChildProcess() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool started() const { return pid_ > 0; }
  void signal(int sig) {
    if (pid_ > 0) kill(pid_, sig);
  }
  // Waits for the exit; kills the child when it overstays `timeout`.
  ProcessResult wait(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    ProcessResult result;
    if (pid_ <= 0) return result;
    auto end = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (true) {
      pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) break;
      if (std::chrono::steady_clock::now() > end) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    reaped_ = true;
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    result.out = read_text(out_file_);
    result.err = read_text(err_file_);
    return result;
  }
  static std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::string out_file_;
  std::string err_file_;
};

inline ProcessResult run_process(const std::vector<std::string>& argv, const std::string& dir,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  static int counter = 0;
  std::string base = dir + "/proc-" + std::to_string(++counter);
  ChildProcess child(argv, base + ".out", base + ".err");
  return child.wait(timeout);
}

}  // namespace pipetrace::kube_test
