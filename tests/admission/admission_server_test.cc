// The webhook's HTTPS listener: it answers AdmissionReviews over TLS, and
// when its certificate files are replaced (a renewal) new connections get the
// new certificate without a restart; a broken replacement keeps the old one.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>

#include "admission/admission_server.h"
#include "admission_test_support.h"
#include "test_certificates.h"

namespace pipetrace::admission_test {
namespace {

namespace fs = std::filesystem;

class AdmissionServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "pipetrace-admission-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    fs::create_directories(dir_ + "/first");
    fs::create_directories(dir_ + "/second");
    fs::create_directories(dir_ + "/served");
    std::string error;
    first_ = testing::make_test_certificates(dir_ + "/first", "first", error);
    ASSERT_EQ(error, "");
    second_ = testing::make_test_certificates(dir_ + "/second", "second", error);
    ASSERT_EQ(error, "");
    install(first_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Replaces the served files the way a Secret volume update or cert-manager
  // does: new files moved into place.
  void install(const testing::TestCertificates& certs) {
    for (auto [from, to] : {std::pair{certs.server_cert_file, cert_file()}, std::pair{certs.server_key_file, key_file()}}) {
      fs::copy_file(from, to + ".new", fs::copy_options::overwrite_existing);
      fs::rename(to + ".new", to);
    }
  }
  std::string cert_file() const { return dir_ + "/served/tls.crt"; }
  std::string key_file() const { return dir_ + "/served/tls.key"; }

  admission::AdmissionOptions options() const {
    admission::AdmissionOptions o;
    o.enabled = true;
    o.host = "127.0.0.1";
    o.port = 0;
    o.tls_cert_file = cert_file();
    o.tls_key_file = key_file();
    o.cluster = kCluster;
    return o;
  }

  // A fresh connection trusting only `ca`; the HTTP status, or -1 when TLS fails.
  int post_review(int port, const std::string& ca, std::string* body = nullptr) {
    httplib::SSLClient client("127.0.0.1", port);
    client.set_ca_cert_path(ca.c_str());
    client.enable_server_certificate_verification(true);
    client.set_connection_timeout(5, 0);
    Json pod = objects_of_kind(load_objects("jx/tektonlog/cases/multiple_stages/pods.yml"), "Pod").at(0);
    pod["metadata"]["labels"]["event-GUID"] = "f46327af-b47e-11ea-b797-9256b7b8d9b0";
    auto res = client.Post("/admission/pods", review_for(admission_time_pod(pod), "jx").dump(), "application/json");
    if (!res) return -1;
    if (body != nullptr) *body = res->body;
    return res->status;
  }

  std::string dir_;
  testing::TestCertificates first_, second_;
};

TEST_F(AdmissionServerTest, AnswersReviewsOverTls) {
  admission::AdmissionServer server(options(), nullptr);
  ASSERT_EQ(server.start(), "");
  std::string body;
  ASSERT_EQ(post_review(server.port(), first_.ca_cert_file, &body), 200);
  Answer answer = parse_answer(body);
  EXPECT_FALSE(answer.patch.empty());
  // A certificate from another CA is refused by the client: the listener really serves `first`.
  EXPECT_EQ(post_review(server.port(), second_.ca_cert_file), -1);
  EXPECT_EQ(server.counts().reviews, 1u);
  server.stop();
}

TEST_F(AdmissionServerTest, ReplacedCertificateFilesAreServedWithoutRestart) {
  admission::AdmissionServer server(options(), nullptr);
  ASSERT_EQ(server.start(), "");
  ASSERT_EQ(post_review(server.port(), first_.ca_cert_file), 200);

  install(second_);
  EXPECT_EQ(post_review(server.port(), second_.ca_cert_file), 200);
  EXPECT_EQ(post_review(server.port(), first_.ca_cert_file), -1);
  EXPECT_EQ(server.certificate_reloads(), 1u);

  // Half a renewal (the new certificate without its key) does not load: the
  // listener keeps serving the last good pair.
  fs::copy_file(first_.server_cert_file, cert_file() + ".new", fs::copy_options::overwrite_existing);
  fs::rename(cert_file() + ".new", cert_file());
  EXPECT_EQ(post_review(server.port(), second_.ca_cert_file), 200);
  // The key lands: the pair is complete again.
  fs::copy_file(first_.server_key_file, key_file() + ".new", fs::copy_options::overwrite_existing);
  fs::rename(key_file() + ".new", key_file());
  EXPECT_EQ(post_review(server.port(), first_.ca_cert_file), 200);
  EXPECT_EQ(server.certificate_reloads(), 2u);
  server.stop();
}

TEST_F(AdmissionServerTest, StartRefusesMissingOrMismatchedFiles) {
  admission::AdmissionOptions missing = options();
  missing.tls_cert_file = dir_ + "/nowhere.crt";
  admission::AdmissionServer a(missing, nullptr);
  EXPECT_NE(a.start().find("nowhere.crt"), std::string::npos);

  admission::AdmissionOptions mismatched = options();
  mismatched.tls_key_file = second_.server_key_file;
  admission::AdmissionServer b(mismatched, nullptr);
  EXPECT_NE(b.start().find("does not belong"), std::string::npos);
}

}  // namespace
}  // namespace pipetrace::admission_test
