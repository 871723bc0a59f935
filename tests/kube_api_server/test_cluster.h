// A ready-to-use test cluster for tests: a temporary directory with fresh
// certificates, a started KubeApiServer on a random loopback port, and
// kubeconfig files pointing at it (right or wrong CA, right or wrong token,
// client certificate).
#pragma once

#include <memory>
#include <string>

#include "kube_api_server.h"
#include "test_certificates.h"

namespace pipetrace::testing {

struct TestClusterOptions {
  std::string token = "test-token";
  bool mutual_tls = false;  // clients authenticate with the client certificate
  std::chrono::milliseconds bookmark_interval{1000};
};

struct KubeconfigSpec {
  std::string name = "kubeconfig";  // file name inside the cluster's directory
  std::string token;                // empty: the cluster's token (unless client_certificate)
  std::string ca_file;              // empty: the cluster's CA
  bool embed_ca = false;            // certificate-authority-data instead of a path
  bool insecure = false;
  bool client_certificate = false;
  bool no_token = false;
};

class TestCluster {
 public:
  explicit TestCluster(TestClusterOptions options = {});
  ~TestCluster();

  KubeApiServer& server() { return *server_; }
  const TestCertificates& certificates() const { return certs_; }
  const std::string& dir() const { return dir_; }
  // Empty when setting up failed; else why.
  const std::string& error() const { return error_; }

  // Writes a kubeconfig (context "test", namespace default) and returns its path.
  std::string write_kubeconfig(const KubeconfigSpec& spec = {});
  // Certificates of an unrelated CA, for "wrong CA" tests.
  TestCertificates other_ca();

 private:
  TestClusterOptions options_;
  std::string dir_;
  std::string error_;
  TestCertificates certs_;
  std::unique_ptr<KubeApiServer> server_;
};

}  // namespace pipetrace::testing
