// TLS and credentials against the test API server: the right CA (file or
// embedded), a wrong CA, skipping verification, wrong and rotated tokens,
// and client certificates.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "kube/api_connection.h"
#include "kube/cluster_watcher.h"
#include "kube_test_support.h"

namespace pipetrace::kube {
namespace {

using kube_test::eventually;
using kube_test::WatchCollector;

KubeConfig load(const std::string& path) {
  auto loaded = load_kubeconfig_files({path}, "");
  EXPECT_TRUE(loaded.ok()) << loaded.error;
  return loaded.ok() ? *loaded.config : KubeConfig{};
}

ApiResponse get(const KubeConfig& config, const std::string& path, std::string* described = nullptr) {
  ApiConnection connection(config, nullptr);
  ApiResponse response = connection.request("GET", path);
  if (described) *described = connection.describe_failure(response, "reading " + path);
  return response;
}

class TlsAuthTest : public ::testing::Test {
 protected:
  void SetUp() { ASSERT_EQ(cluster_.error(), ""); }
  testing::TestCluster cluster_;
};

TEST_F(TlsAuthTest, TrustedCaAsFileOrEmbeddedData) {
  ApiResponse by_file = get(load(cluster_.write_kubeconfig()), "/api");
  EXPECT_TRUE(by_file.ok()) << by_file.transport_error;
  EXPECT_NE(by_file.body.find("APIVersions"), std::string::npos);
  testing::KubeconfigSpec embedded;
  embedded.name = "embedded";
  embedded.embed_ca = true;
  KubeConfig config = load(cluster_.write_kubeconfig(embedded));
  EXPECT_FALSE(config.ca_pem.empty());
  EXPECT_TRUE(get(config, "/apis").ok());
}

TEST_F(TlsAuthTest, WrongCaIsAClearTlsErrorUnlessVerificationIsSkipped) {
  testing::KubeconfigSpec wrong;
  wrong.name = "wrong-ca";
  wrong.ca_file = cluster_.other_ca().ca_cert_file;
  std::string message;
  ApiResponse response = get(load(cluster_.write_kubeconfig(wrong)), "/api", &message);
  EXPECT_FALSE(response.ok());
  EXPECT_EQ(response.status, 0);
  EXPECT_NE(message.find("presented a TLS certificate that the certificate authority file " + wrong.ca_file +
                         " does not vouch for"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find(cluster_.server().url()), std::string::npos) << message;

  testing::KubeconfigSpec insecure;
  insecure.name = "insecure";
  insecure.insecure = true;
  EXPECT_TRUE(get(load(cluster_.write_kubeconfig(insecure)), "/api").ok());
}

TEST_F(TlsAuthTest, WrongTokenIsAClear401RetriedUntilTheServerAcceptsIt) {
  std::string error;
  ASSERT_GT(cluster_.server().load_file(kube_test::fixture("jx/pipelines/cases/create/pipelinerun.yaml"), error), 0u);
  testing::KubeconfigSpec spec;
  spec.name = "wrong-token";
  spec.token = "not-the-token";
  std::string path = cluster_.write_kubeconfig(spec);
  KubeConfig config = load(path);

  WatchCollector collector;
  WatchOptions options;
  options.backoff = {std::chrono::milliseconds(20), std::chrono::milliseconds(100)};
  options.seed = 3;
  auto kinds = default_watched_kinds();
  ClusterWatcher watcher(config, {kinds[1]}, options, collector.line_handler(), collector.status_handler());
  watcher.start();
  ASSERT_TRUE(eventually([&] { return collector.count_status("pipelineruns", WatchState::Retrying) >= 3; }));
  for (const auto& s : collector.statuses()) {
    ASSERT_EQ(s.state, WatchState::Retrying);
    EXPECT_EQ(s.http_status, 401);
    EXPECT_NE(s.message.find("rejected the bearer token of user 'tester' (kubeconfig " + path), std::string::npos)
        << s.message;
    EXPECT_NE(s.message.find("401 Unauthorized"), std::string::npos) << s.message;
  }
  EXPECT_GE(cluster_.server().stats().unauthorized, 3u);
  EXPECT_TRUE(collector.lines().empty());

  // Once the credential is right (here: the server accepts it), it recovers.
  cluster_.server().set_token("not-the-token");
  ASSERT_TRUE(eventually([&] { return collector.state_of("pipelineruns").size() == 1; }));
  watcher.stop();
}

TEST_F(TlsAuthTest, RotatedTokenFileIsUsedWithoutRestart) {
  std::string token_file = cluster_.dir() + "/token";
  std::ofstream(token_file) << "test-token\n";
  std::string path = cluster_.write_kubeconfig(kube_test::kubeconfig_spec("token-file", [](auto& s) { s.no_token = true; }));
  // The kubeconfig names a token file instead of a token.
  {
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text.replace(text.find("    {}\n"), 7, "    tokenFile: " + token_file + "\n");
    std::ofstream(path, std::ios::trunc) << text;
  }
  KubeConfig config = load(path);
  ASSERT_EQ(config.token_file, token_file);
  ApiConnection connection(config, nullptr);
  EXPECT_TRUE(connection.request("GET", "/api").ok());
  cluster_.server().set_token("rotated-token-2");
  EXPECT_EQ(connection.request("GET", "/api").status, 401);
  std::ofstream(token_file, std::ios::trunc) << "rotated-token-2\n";
  EXPECT_TRUE(connection.request("GET", "/api").ok());
}

TEST(MutualTlsTest, ClientCertificateAuthenticatesAndItsAbsenceIsAHandshakeError) {
  testing::TestClusterOptions options;
  options.mutual_tls = true;
  testing::TestCluster cluster(options);
  ASSERT_EQ(cluster.error(), "");
  KubeConfig with_cert = load(cluster.write_kubeconfig(kube_test::kubeconfig_spec("cert", [](auto& s) { s.client_certificate = true; })));
  EXPECT_EQ(with_cert.client_cert_file, cluster.certificates().client_cert_file);
  ApiResponse ok = get(with_cert, "/api/v1");
  EXPECT_TRUE(ok.ok()) << ok.transport_error;

  // The same certificate given inline as PEM data.
  KubeConfig inline_cert = with_cert;
  inline_cert.client_cert_file.clear();
  inline_cert.client_key_file.clear();
  inline_cert.client_cert_pem = cluster.certificates().client_cert_pem;
  inline_cert.client_key_pem = cluster.certificates().client_key_pem;
  EXPECT_TRUE(get(inline_cert, "/api/v1").ok());

  std::string message;
  ApiResponse refused = get(load(cluster.write_kubeconfig(kube_test::kubeconfig_spec("no-cert"))), "/api", &message);
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(refused.status, 0);
  EXPECT_FALSE(message.empty());
  EXPECT_NE(message.find(cluster.server().url()), std::string::npos) << message;
}

}  // namespace
}  // namespace pipetrace::kube
