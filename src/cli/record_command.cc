// Record lists and watches the chosen kinds and writes each event as one line
// {"type":...,"object":...,"observedAt":...}: the watch line as the API
// server sent it, with the time pipetrace saw it added. Each line is written
// whole and flushed, and SIGINT/SIGTERM end the recording between lines, so
// the file is complete whenever it is read.
#include "cli/record_command.h"

#include <spdlog/spdlog.h>

#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "kube/cluster_watcher.h"
#include "kube/kube_config.h"
#include "kube/resource_kind.h"
#include "model/time.h"

namespace pipetrace {
namespace {

struct RecordOptions {
  std::string kubeconfig;
  std::string context;
  std::vector<std::string> namespaces;
  std::vector<std::string> kinds;
  std::string pod_selector{kube::kDefaultPodSelector};
  std::string output;
  int watch_timeout_seconds = 300;
};

// RFC 3339 in UTC with all nine fractional digits, so that lines sort and
// compare as text.
std::string observed_at_text(TimeNs t) {
  TimeNs seconds = t / 1000000000 * 1000000000;
  if (t < seconds) seconds -= 1000000000;
  std::string whole = format_time(seconds);
  whole.pop_back();  // 'Z'
  char fraction[16];
  std::snprintf(fraction, sizeof fraction, ".%09lldZ", static_cast<long long>(t - seconds));
  return whole + fraction;
}

// The watch line with "observedAt" added before its closing brace.
std::string recording_line(std::string_view json, TimeNs observed_at) {
  while (!json.empty() && (json.back() == ' ' || json.back() == '\t' || json.back() == '\r')) json.remove_suffix(1);
  std::string line;
  line.reserve(json.size() + 48);
  line.append(json.substr(0, json.size() - 1));
  line += ",\"observedAt\":\"";
  line += observed_at_text(observed_at);
  line += "\"}\n";
  return line;
}

int run_record(const RecordOptions& opts) {
  auto loaded = kube::load_kube_config({opts.kubeconfig, opts.context});
  if (!loaded.ok()) {
    spdlog::error("record: {}", loaded.error);
    return 2;
  }
  std::string error;
  auto kinds = kube::select_watched_kinds(opts.kinds, opts.pod_selector, error);
  if (!kinds) {
    spdlog::error("record: --kinds: {}", error);
    return 2;
  }
  bool to_stdout = opts.output == "-";
  std::FILE* out = to_stdout ? stdout : std::fopen(opts.output.c_str(), "w");
  if (!out) {
    spdlog::error("record: cannot open {} for writing: {}", opts.output, std::strerror(errno));
    return 2;
  }

  // The signals are taken by sigwait below; blocking them before the
  // watcher's threads start keeps them off those threads.
  sigset_t signals, previous;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, &previous);

  std::size_t lines = 0;
  bool write_failed = false;
  kube::WatchOptions watch_options;
  watch_options.namespaces = opts.namespaces;
  watch_options.watch_timeout = std::chrono::seconds(opts.watch_timeout_seconds);
  kube::ClusterWatcher watcher(
      *loaded.config, *kinds, watch_options,
      [&](const kube::WatchLine& line) {
        if (write_failed || line.json.empty() || line.json.back() != '}') return;
        std::string text = recording_line(line.json, line.observed_at);
        if (std::fwrite(text.data(), 1, text.size(), out) != text.size() || std::fflush(out) != 0) {
          write_failed = true;
          spdlog::error("record: cannot write to {}: {}; stopping", opts.output, std::strerror(errno));
          kill(getpid(), SIGTERM);
          return;
        }
        ++lines;
      });
  std::string scope = opts.namespaces.empty() ? "all namespaces" : "namespaces";
  for (const auto& ns : opts.namespaces) scope += " " + ns;
  std::string kind_names;
  for (const auto& kind : *kinds) kind_names += (kind_names.empty() ? "" : ", ") + kind.name;
  spdlog::info("record: watching {} on {} ({}) in {} into {}; Ctrl-C to stop", kind_names, loaded.config->server,
               loaded.config->source, scope, to_stdout ? "standard output" : opts.output);
  watcher.start();
  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("record: {} received; finishing the recording", received == SIGINT ? "SIGINT" : "SIGTERM");
  watcher.stop();
  bool close_failed = to_stdout ? std::fflush(out) != 0 : std::fclose(out) != 0;
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (write_failed || close_failed) {
    spdlog::error("record: the recording {} is incomplete: writing failed", opts.output);
    return 1;
  }
  spdlog::info("record: wrote {} events to {}", lines, to_stdout ? "standard output" : opts.output);
  return 0;
}

}  // namespace

void register_record_command(CLI::App& app) {
  auto opts = std::make_shared<RecordOptions>();
  CLI::App* cmd = app.add_subcommand(
      "record", "Watch a cluster and write every watch event to a JSON-lines recording, until Ctrl-C");
  cmd->add_option("--kubeconfig", opts->kubeconfig,
                  "Kubeconfig file (default $KUBECONFIG, then ~/.kube/config, then the in-cluster service account)");
  cmd->add_option("--context", opts->context, "Kubeconfig context (default: its current-context)");
  cmd->add_option("-n,--namespace", opts->namespaces, "Namespace to watch (repeatable; default: all namespaces)");
  cmd->add_option("--kinds", opts->kinds,
                  "Kinds to watch, comma-separated: lighthousejobs, pipelineruns, taskruns, pipelineactivities, "
                  "pods, events (default: all)")
      ->delimiter(',');
  cmd->add_option("--pod-selector", opts->pod_selector, "Label selector of the pods to watch (CI pods only)")
      ->capture_default_str();
  cmd->add_option("--watch-timeout", opts->watch_timeout_seconds,
                  "Seconds the API server keeps one watch open before pipetrace resumes it")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cmd->add_option("-o,--output", opts->output, "Recording file to write ('-' for standard output)")->required();
  cmd->callback([opts] {
    int rc = run_record(*opts);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace pipetrace
