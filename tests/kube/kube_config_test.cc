// Kubeconfig and in-cluster configuration loading, and token rotation.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "kube/bearer_token.h"
#include "kube/kube_config.h"

namespace pipetrace::kube {
namespace {

namespace fs = std::filesystem;

std::string base64(const std::string& data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

class KubeConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "pipetrace-kubeconfig-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    fs::path path = fs::path(dir_) / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path.string();
  }

  ConfigEnvironment env(std::map<std::string, std::string> vars) {
    ConfigEnvironment e;
    e.getenv = [vars](const std::string& name) -> std::optional<std::string> {
      auto it = vars.find(name);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
    e.service_account_dir = dir_ + "/serviceaccount";
    return e;
  }

  std::string dir_;
};

const char* kTwoContexts = R"(apiVersion: v1
kind: Config
current-context: ci
clusters:
- name: ci-cluster
  cluster:
    server: https://10.1.2.3:6443/
    certificate-authority: certs/ca.crt
- name: lab
  cluster:
    server: https://lab.example:443
    insecure-skip-tls-verify: true
contexts:
- name: ci
  context:
    cluster: ci-cluster
    user: robot
    namespace: jx
- name: lab
  context:
    cluster: lab
    user: admin
users:
- name: robot
  user:
    token: s3cr3t
- name: admin
  user:
    client-certificate-data: CERTDATA
    client-key-data: KEYDATA
)";

TEST_F(KubeConfigTest, CurrentContextGivesServerCaPathRelativeToTheFileAndToken) {
  std::string path = write("sub/config", kTwoContexts);
  auto result = load_kubeconfig_files({path}, "");
  ASSERT_TRUE(result.ok()) << result.error;
  const KubeConfig& c = *result.config;
  EXPECT_EQ(c.server, "https://10.1.2.3:6443");  // trailing '/' dropped
  EXPECT_EQ(c.ca_file, dir_ + "/sub/certs/ca.crt");
  EXPECT_EQ(c.token, "s3cr3t");
  EXPECT_EQ(c.default_namespace, "jx");
  EXPECT_EQ(c.user_name, "robot");
  EXPECT_FALSE(c.insecure_skip_tls_verify);
  EXPECT_NE(c.credential_description().find("bearer token of user 'robot'"), std::string::npos);
  EXPECT_NE(c.credential_description().find(path), std::string::npos);
}

TEST_F(KubeConfigTest, NamedContextGivesDecodedClientCertificateAndInsecureFlag) {
  std::string text = kTwoContexts;
  text.replace(text.find("CERTDATA"), 8, base64("-----BEGIN CERTIFICATE-----\nabc\n"));
  text.replace(text.find("KEYDATA"), 7, base64("-----BEGIN PRIVATE KEY-----\nxy\n"));
  auto result = load_kubeconfig_files({write("config", text)}, "lab");
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config->server, "https://lab.example:443");
  EXPECT_TRUE(result.config->insecure_skip_tls_verify);
  EXPECT_EQ(result.config->client_cert_pem, "-----BEGIN CERTIFICATE-----\nabc\n");
  EXPECT_EQ(result.config->client_key_pem, "-----BEGIN PRIVATE KEY-----\nxy\n");
  EXPECT_TRUE(result.config->token.empty());
}

TEST_F(KubeConfigTest, UnknownContextAndBadBase64AreErrorsNamingTheInput) {
  std::string path = write("config", kTwoContexts);
  auto missing = load_kubeconfig_files({path}, "nope");
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.error.find("no context named 'nope'"), std::string::npos) << missing.error;
  EXPECT_NE(missing.error.find(path), std::string::npos) << missing.error;

  auto bad = load_kubeconfig_files({path}, "lab");  // "KEYDATA" is no base64: 7 characters
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.error.find("client-key-data of user 'admin'"), std::string::npos) << bad.error;
  EXPECT_NE(bad.error.find("not valid base64"), std::string::npos) << bad.error;

  auto unreadable = load_kubeconfig_files({dir_ + "/absent"}, "");
  EXPECT_NE(unreadable.error.find(dir_ + "/absent"), std::string::npos);
}

TEST_F(KubeConfigTest, KubeconfigVariableMergesFilesFirstDefinitionWins) {
  std::string first = write("a", R"(current-context: one
contexts:
- name: one
  context: {cluster: c, user: u}
clusters:
- name: c
  cluster: {server: "https://first:1"}
)");
  std::string second = write("b", R"(current-context: two
clusters:
- name: c
  cluster: {server: "https://second:2"}
users:
- name: u
  user: {tokenFile: token.txt}
)");
  auto result = load_kube_config({}, env({{"KUBECONFIG", first + ":" + dir_ + "/missing:" + second}}));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config->server, "https://first:1");
  EXPECT_EQ(result.config->token_file, dir_ + "/token.txt");
  EXPECT_NE(result.config->source.find("context one"), std::string::npos);
}

TEST_F(KubeConfigTest, ExplicitPathWinsThenVariableThenHomeThenInCluster) {
  std::string explicit_path = write("explicit", R"(current-context: x
contexts: [{name: x, context: {cluster: x}}]
clusters: [{name: x, cluster: {server: "https://explicit:1"}}]
)");
  std::string home_config = write("home/.kube/config", R"(current-context: h
contexts: [{name: h, context: {cluster: h}}]
clusters: [{name: h, cluster: {server: "https://home:1"}}]
)");
  write("serviceaccount/token", "sa-token\n");
  write("serviceaccount/ca.crt", "pem");
  write("serviceaccount/namespace", "ci\n");
  std::map<std::string, std::string> vars = {{"HOME", dir_ + "/home"},
                                             {"KUBERNETES_SERVICE_HOST", "fd00::1"},
                                             {"KUBERNETES_SERVICE_PORT", "443"}};
  EXPECT_EQ(load_kube_config({explicit_path, ""}, env(vars)).config->server, "https://explicit:1");
  EXPECT_EQ(load_kube_config({}, env(vars)).config->server, "https://home:1");

  fs::remove(home_config);
  auto in_cluster = load_kube_config({}, env(vars));
  ASSERT_TRUE(in_cluster.ok()) << in_cluster.error;
  EXPECT_EQ(in_cluster.config->server, "https://[fd00::1]:443");
  EXPECT_EQ(in_cluster.config->token_file, dir_ + "/serviceaccount/token");
  EXPECT_EQ(in_cluster.config->ca_file, dir_ + "/serviceaccount/ca.crt");
  EXPECT_EQ(in_cluster.config->default_namespace, "ci");

  vars.erase("KUBERNETES_SERVICE_HOST");
  auto nothing = load_kube_config({}, env(vars));
  EXPECT_FALSE(nothing.ok());
  EXPECT_NE(nothing.error.find("KUBERNETES_SERVICE_HOST"), std::string::npos) << nothing.error;
}

TEST_F(KubeConfigTest, ExecPluginWithoutTokenIsRefusedClearly) {
  auto result = load_kubeconfig_files({write("config", R"(current-context: g
contexts: [{name: g, context: {cluster: g, user: gke}}]
clusters: [{name: g, cluster: {server: "https://gke:443"}}]
users:
- name: gke
  user:
    exec: {command: gke-gcloud-auth-plugin, apiVersion: client.authentication.k8s.io/v1beta1}
)")},
                                      "");
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.error.find("exec plugin"), std::string::npos) << result.error;
  EXPECT_NE(result.error.find("user 'gke'"), std::string::npos) << result.error;
}

TEST_F(KubeConfigTest, TokenFileIsReadAgainAfterRotation) {
  std::string path = write("token", "first-token\n");
  BearerToken token("", path);
  EXPECT_EQ(token.current(), "first-token");
  // The kubelet replaces the file; a different size is enough to notice
  // even within one mtime tick.
  write("token", "second-token-longer\n");
  EXPECT_EQ(token.current(), "second-token-longer");
  fs::remove(path);
  EXPECT_EQ(token.current(), "second-token-longer");  // kept while the file is being swapped
  BearerToken fixed("static", "");
  EXPECT_EQ(fixed.current(), "static");
}

}  // namespace
}  // namespace pipetrace::kube
