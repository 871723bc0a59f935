// End to end: `pipetrace serve` watches the Kubernetes API test server (which
// holds a PipelineRun and its TaskRun) and serves the admission webhook; the
// test server calls the webhook when a pod is created, as a real API server
// with a MutatingWebhookConfiguration does; real kubectl creates the task pod
// and reads it back. Each step must carry the TRACEPARENT of the step span
// that replaying the same objects emits.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "../kube/kube_test_support.h"
#include "admission_test_support.h"
#include "test_cluster.h"

namespace pipetrace::admission_test {
namespace {

const char* kKubectl = "/usr/bin/kubectl";
constexpr std::chrono::seconds kKubectlTimeout{30};

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

using kube_test::ChildProcess;
using kube_test::eventually;
using kube_test::ProcessResult;
using kube_test::run_process;

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
  ChildProcess serve({PIPETRACE_BINARY, "serve", "--listen-addr", "127.0.0.1:" + std::to_string(http_port), "--no-store",
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
      << ChildProcess::read_text(dir + "/serve.err");
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
      << ChildProcess::read_text(dir + "/serve.err");

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
  ProcessResult created = run_process(with({"create", "--validate=false", "-n", "jx", "-f", pod_file}), dir, kKubectlTimeout);
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::string name = pod["metadata"]["name"];
  ProcessResult got = run_process(with({"get", "pod", name, "-n", "jx", "-o", "json"}), dir, kKubectlTimeout);
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
  ASSERT_EQ(run_process(with({"create", "--validate=false", "-f", plain_file}), dir, kKubectlTimeout).exit_code, 0);
  ProcessResult plain_got = run_process(with({"get", "pod", plain["metadata"]["name"], "-n", "jx", "-o", "json"}), dir, kKubectlTimeout);
  ASSERT_EQ(plain_got.exit_code, 0) << plain_got.err;
  Json plain_stored = Json::parse(plain_got.out);
  EXPECT_EQ(plain_stored["spec"]["containers"], plain["spec"]["containers"]);

  serve.signal(SIGTERM);
  const ProcessResult stopped = serve.wait(std::chrono::seconds(20));
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  EXPECT_NE(stopped.err.find("admission: webhook listening"), std::string::npos) << stopped.err;
}

}  // namespace
}  // namespace pipetrace::admission_test
