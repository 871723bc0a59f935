// Temporary certificates, server and kubeconfigs for tests (see test_cluster.h).
#include "test_cluster.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace pipetrace::testing {
namespace {

std::string base64(const std::string& data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace

TestCluster::TestCluster(TestClusterOptions options) : options_(std::move(options)) {
  std::string pattern = (std::filesystem::temp_directory_path() / "pipetrace-kube-XXXXXX").string();
  if (!mkdtemp(pattern.data())) {
    error_ = "cannot make a temporary directory";
    return;
  }
  dir_ = pattern;
  certs_ = make_test_certificates(dir_, "pipetrace", error_);
  if (!error_.empty()) return;
  ApiServerOptions server_options;
  server_options.cert_file = certs_.server_cert_file;
  server_options.key_file = certs_.server_key_file;
  server_options.token = options_.token;
  server_options.bookmark_interval = options_.bookmark_interval;
  if (options_.mutual_tls) server_options.client_ca_file = certs_.ca_cert_file;
  server_ = std::make_unique<KubeApiServer>(server_options);
  if (server_->start() < 0) error_ = server_->last_error();
}

TestCluster::~TestCluster() {
  if (server_) server_->stop();
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

std::string TestCluster::write_kubeconfig(const KubeconfigSpec& spec) {
  std::string path = dir_ + "/" + spec.name;
  std::ofstream out(path, std::ios::trunc);
  out << "apiVersion: v1\nkind: Config\ncurrent-context: test\n";
  out << "clusters:\n- name: test\n  cluster:\n    server: " << server_->url() << "\n";
  std::string ca = spec.ca_file.empty() ? certs_.ca_cert_file : spec.ca_file;
  if (spec.insecure) {
    out << "    insecure-skip-tls-verify: true\n";
  } else if (spec.embed_ca) {
    std::ifstream in(ca);
    std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    out << "    certificate-authority-data: " << base64(pem) << "\n";
  } else {
    out << "    certificate-authority: " << ca << "\n";
  }
  out << "contexts:\n- name: test\n  context:\n    cluster: test\n    user: tester\n    namespace: default\n";
  out << "users:\n- name: tester\n  user:\n";
  if (spec.client_certificate) {
    out << "    client-certificate: " << certs_.client_cert_file << "\n";
    out << "    client-key: " << certs_.client_key_file << "\n";
  }
  if (!spec.no_token && !(spec.client_certificate && spec.token.empty()))
    out << "    token: " << (spec.token.empty() ? options_.token : spec.token) << "\n";
  if (spec.no_token && !spec.client_certificate) out << "    {}\n";
  return path;
}

TestCertificates TestCluster::other_ca() {
  std::string other = dir_ + "/other-ca";
  std::filesystem::create_directories(other);
  std::string error;
  return make_test_certificates(other, "unrelated", error);
}

}  // namespace pipetrace::testing
