// Shared pieces of the deployment tests: running a program (kubectl, the
// pipetrace binary) and collecting its output, rendering a kustomization with
// `kubectl kustomize` (offline), and paths inside the source tree.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace pipetrace::deploy_test {

inline const char* kKubectl = "/usr/bin/kubectl";

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs argv[0] (no shell) with stdout and stderr captured in files under
// `scratch`, and waits for it.
inline ProcessResult run_process(const std::vector<std::string>& args, const std::filesystem::path& scratch) {
  std::filesystem::create_directories(scratch);
  static int serial = 0;
  const std::string stem = (scratch / ("process-" + std::to_string(getpid()) + "-" + std::to_string(++serial))).string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, (stem + ".out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, (stem + ".err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ProcessResult result;
  pid_t pid = 0;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
    posix_spawn_file_actions_destroy(&actions);
    result.err = "cannot start " + args[0];
    return result;
  }
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_text(stem + ".out");
  result.err = read_text(stem + ".err");
  return result;
}

inline std::filesystem::path source_path(const std::string& relative) {
  return std::filesystem::path(PIPETRACE_SOURCE_DIR) / relative;
}

// A fresh directory for one test's files.
inline std::filesystem::path scratch_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("pipetrace-deploy-" + std::to_string(getpid()) + "-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// `kubectl kustomize DIR`: kustomize runs inside kubectl, without a cluster.
inline ProcessResult kustomize(const std::filesystem::path& dir, const std::filesystem::path& scratch) {
  return run_process({kKubectl, "kustomize", dir.string()}, scratch);
}

}  // namespace pipetrace::deploy_test
