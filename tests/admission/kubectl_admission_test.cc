// End to end: `pipetrace serve` watches the Kubernetes API test server (which
// holds a PipelineRun and its TaskRun) and serves the admission webhook; the
// test server calls the webhook when a pod is created, as a real API server
// with a MutatingWebhookConfiguration does; real kubectl creates the task pod
// and reads it back. Each step must carry the TRACEPARENT of the step span
// that replaying the same objects emits.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "admission_test_support.h"
#include "test_cluster.h"

extern char** environ;

namespace pipetrace::admission_test {
namespace {

const char* kKubectl = "/usr/bin/kubectl";

// A port free right now on the loopback interface.
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

// A child process, its output in files; killed if still running at the end.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::string& out, const std::string& err) : out_(out), err_(err) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
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
  ~Child() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  bool started() const { return pid_ > 0; }
  bool running() {
    if (pid_ <= 0 || reaped_) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      reaped_ = true;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      return false;
    }
    return true;
  }
  // Signals, then waits up to `timeout` for the exit code (-1: killed).
  int stop(int sig, std::chrono::milliseconds timeout) {
    if (!running()) return exit_code_;
    ::kill(pid_, sig);
    auto end = std::chrono::steady_clock::now() + timeout;
    while (running() && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (running()) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      reaped_ = true;
      exit_code_ = -1;
    }
    return exit_code_;
  }
  std::string out() const { return read_text(out_); }
  std::string err() const { return read_text(err_); }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int exit_code_ = -1;
  std::string out_, err_;
};

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};

RunResult run_child(const std::vector<std::string>& argv, const std::string& dir) {
  static int counter = 0;
  std::string base = dir + "/run-" + std::to_string(++counter);
  Child child(argv, base + ".out", base + ".err");
  RunResult r;
  r.exit_code = child.stop(0, std::chrono::seconds(30));  // signal 0: only wait
  r.out = child.out();
  r.err = child.err();
  return r;
}

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

TEST(KubectlAdmission, TaskPodCreatedWithKubectlCarriesItsStepSpanContexts) {
  if (!std::filesystem::exists(kKubectl)) GTEST_SKIP() << "kubectl is not installed at " << kKubectl;
  testing::TestCluster cluster;
  ASSERT_EQ(cluster.error(), "");
  const std::string dir = cluster.dir();

  // The cluster as it is when Tekton creates the pod: the PipelineRun and the TaskRun exist.
  Json pod = objects_of_kind(load_objects("pods/jx-controller-running-generated.pods.yaml"), "Pod").at(1);
  std::vector<Json> runs = objects_of_kind(load_objects("tekton/jx-controller-running-generated.pipelineruns.yaml"),
                                           "PipelineRun");
  const Json* pipeline_run = pipeline_run_named(runs, pod["metadata"]["labels"]["tekton.dev/pipelineRun"]);
  ASSERT_NE(pipeline_run, nullptr);
  Json task_run = task_run_for(pod, pipeline_run);
  ASSERT_LT(cluster.server().apply(*pipeline_run).status, 300);
  ASSERT_LT(cluster.server().apply(task_run).status, 300);
  std::string kubeconfig = cluster.write_kubeconfig();

  std::filesystem::create_directories(dir + "/webhook");
  std::string error;
  testing::TestCertificates webhook = testing::make_test_certificates(dir + "/webhook", "webhook", error);
  ASSERT_EQ(error, "");
  int http_port = free_port(), admission_port = free_port();
  ASSERT_GT(http_port, 0);
  ASSERT_GT(admission_port, 0);
  Child serve({PIPETRACE_BINARY, "serve", "--listen-addr", "127.0.0.1:" + std::to_string(http_port), "--no-store",
               "--data-dir", dir + "/data", "--kubeconfig", kubeconfig, "--kinds", "pipelineruns,taskruns",
               "--cluster", kCluster, "--no-annotate", "--admission-listen-addr",
               "127.0.0.1:" + std::to_string(admission_port), "--tls-cert-file", webhook.server_cert_file,
               "--tls-key-file", webhook.server_key_file, "--admission-otlp-endpoint", "http://collector:4318"},
              dir + "/serve.out", dir + "/serve.err");
  ASSERT_TRUE(serve.started());

  // Ready: the watches have listed; then the tracer has placed the TaskRun
  // (asked through the webhook itself, with the pod about to be created).
  httplib::Client ops("127.0.0.1", http_port);
  ASSERT_TRUE(eventually(
      [&] {
        auto res = ops.Get("/readyz");
        return res && res->status == 200;
      },
      std::chrono::seconds(20)))
      << serve.err();
  Json at_admission = admission_time_pod(pod);
  ASSERT_TRUE(eventually(
      [&] {
        httplib::SSLClient client("127.0.0.1", admission_port);
        client.set_ca_cert_path(webhook.ca_cert_file.c_str());
        client.enable_server_certificate_verification(true);
        auto res = client.Post("/admission/pods", review_for(at_admission, "jx").dump(), "application/json");
        if (!res || res->status != 200) return false;
        return base64_decode(Json::parse(res->body)["response"].value("patch", "")).find("TRACEPARENT") !=
               std::string::npos;
      },
      std::chrono::seconds(20)))
      << serve.err();

  cluster.server().set_admission_webhook(
      {"https://127.0.0.1:" + std::to_string(admission_port) + "/admission/pods", webhook.ca_cert_file});
  std::string pod_file = dir + "/pod.json";
  std::ofstream(pod_file) << at_admission.dump(2);
  std::vector<std::string> kubectl = {kKubectl, "--kubeconfig", kubeconfig, "--cache-dir", dir + "/cache"};
  auto with = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = kubectl;
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  };
  RunResult created = run_child(with({"create", "--validate=false", "-n", "jx", "-f", pod_file}), dir);
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::string name = pod["metadata"]["name"];
  RunResult got = run_child(with({"get", "pod", name, "-n", "jx", "-o", "json"}), dir);
  ASSERT_EQ(got.exit_code, 0) << got.err;
  Json stored = Json::parse(got.out);

  // Every step carries its replayed step span's context, the endpoint, and
  // the TaskRun's span context sits in Tekton's annotation.
  std::vector<Span> replayed = replay({*pipeline_run, task_run, pod});
  EXPECT_GE(expect_steps_match_replay("kubectl " + name, pod, stored, replayed), 8);
  for (const std::string& container : step_container_names(pod)) {
    EXPECT_EQ(env_of(*container_named(stored, container), "OTEL_EXPORTER_OTLP_ENDPOINT"), "http://collector:4318");
  }
  ASSERT_TRUE(stored["metadata"]["annotations"].contains("tekton.dev/taskrunSpanContext")) << stored["metadata"];
  for (const std::string& line : cluster.server().request_log())
    EXPECT_EQ(line.find("ADMISSION failed"), std::string::npos) << line;

  // A pod that is not a task pod goes through the same webhook untouched.
  Json plain = admission_time_pod(objects_of_kind(load_objects("pods/pod-running-restart-always.yaml"), "Pod").at(0));
  plain["metadata"]["namespace"] = "jx";
  std::string plain_file = dir + "/plain.json";
  std::ofstream(plain_file) << plain.dump(2);
  ASSERT_EQ(run_child(with({"create", "--validate=false", "-f", plain_file}), dir).exit_code, 0);
  RunResult plain_got = run_child(with({"get", "pod", plain["metadata"]["name"], "-n", "jx", "-o", "json"}), dir);
  ASSERT_EQ(plain_got.exit_code, 0) << plain_got.err;
  Json plain_stored = Json::parse(plain_got.out);
  EXPECT_EQ(plain_stored["spec"]["containers"], plain["spec"]["containers"]);

  EXPECT_EQ(serve.stop(SIGTERM, std::chrono::seconds(20)), 0) << serve.err();
  EXPECT_NE(serve.err().find("admission: webhook listening"), std::string::npos) << serve.err();
}

}  // namespace
}  // namespace pipetrace::admission_test
