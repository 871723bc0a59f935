// kube_api_server: the test Kubernetes API server as a program, for manual
// runs and for tests in other languages. Makes its certificates, loads the
// given object files, writes a kubeconfig and serves until SIGINT/SIGTERM.
#include <CLI/CLI.hpp>

#include <csignal>
#include <filesystem>
#include <iostream>

#include "kube_api_server.h"
#include "test_certificates.h"

int main(int argc, char** argv) {
  using namespace pipetrace::testing;
  CLI::App app{"Kubernetes API test server (HTTPS, bearer token, fault injection at POST /_control)"};
  int port = 0;
  std::string token = "test-token";
  std::string dir;
  std::vector<std::string> files;
  std::string kubeconfig_out;
  int bookmark_ms = 1000;
  app.add_option("--port", port, "Port on 127.0.0.1 (0: any free port)");
  app.add_option("--token", token, "Bearer token clients must send");
  app.add_option("--dir", dir, "Directory for the generated CA, server and client certificates")->required();
  app.add_option("--load", files, "Object files (JSON or YAML; Lists flattened) to serve from the start");
  app.add_option("--kubeconfig-out", kubeconfig_out, "Where to write a kubeconfig for this server");
  app.add_option("--bookmark-interval-ms", bookmark_ms, "How often idle watches get a BOOKMARK");
  CLI11_PARSE(app, argc, argv);

  std::filesystem::create_directories(dir);
  std::string error;
  TestCertificates certs = make_test_certificates(dir, "kube_api_server", error);
  if (!error.empty()) {
    std::cerr << "kube_api_server: " << error << "\n";
    return 1;
  }
  ApiServerOptions options;
  options.cert_file = certs.server_cert_file;
  options.key_file = certs.server_key_file;
  options.token = token;
  options.bookmark_interval = std::chrono::milliseconds(bookmark_ms);
  KubeApiServer server(options);
  for (const auto& file : files) {
    std::size_t n = server.load_file(file, error);
    if (!error.empty()) {
      std::cerr << "kube_api_server: " << error << "\n";
      return 1;
    }
    std::cerr << "kube_api_server: loaded " << n << " objects from " << file << "\n";
  }
  // Signals are taken synchronously by sigwait below, so no handler runs on
  // the server's threads.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  if (server.start(port) < 0) {
    std::cerr << "kube_api_server: " << server.last_error() << "\n";
    return 1;
  }
  if (!kubeconfig_out.empty()) {
    std::ofstream out(kubeconfig_out, std::ios::trunc);
    out << "apiVersion: v1\nkind: Config\ncurrent-context: test\nclusters:\n- name: test\n  cluster:\n    server: "
        << server.url() << "\n    certificate-authority: " << std::filesystem::absolute(certs.ca_cert_file).string()
        << "\ncontexts:\n- name: test\n  context:\n    cluster: test\n    user: tester\n"
        << "users:\n- name: tester\n  user:\n    token: " << token << "\n";
  }
  std::cout << "listening on " << server.url() << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  server.stop();
  return 0;
}
