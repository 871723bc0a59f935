// OtlpHttpExporter over HTTPS: a custom CA, a refused unknown certificate,
// insecure-skip-verify, and a client certificate for mutual TLS.
#include <gtest/gtest.h>

#include "../sinks/sample_spans.h"
#include "http_test_collector.h"
#include "sinks/otlp_http_exporter.h"
#include "test_certificates.h"

namespace pipetrace {
namespace {

using namespace std::chrono_literals;
using testing::HttpTestCollector;
using testing::RecordedWaits;

class OtlpHttpTls : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!certificates_.ok()) GTEST_SKIP() << "the openssl command could not make test certificates";
  }

  OtlpExporterOptions options_for(const HttpTestCollector& collector) const {
    OtlpExporterOptions options;
    options.endpoint = collector.traces_url();
    options.timeout = 5s;
    options.retry.max_attempts = 2;
    return options;
  }

  testing::TestCertificates certificates_;
  RecordedWaits clock_;
};

TEST_F(OtlpHttpTls, VerifiesTheCollectorWithTheConfiguredCa) {
  auto collector = HttpTestCollector::tls(certificates_.path("server.crt"), certificates_.path("server.key"));
  auto options = options_for(*collector);
  options.certificate_file = certificates_.path("ca.crt");
  OtlpHttpExporter exporter(options, clock_.environment());
  const auto batches = testing::sample_batches();

  const ExportResult result = exporter.export_spans(batches);

  EXPECT_EQ(result.status, ExportStatus::Sent) << result.message;
  EXPECT_EQ(collector->accepted_spans(), testing::all_spans(batches));
}

TEST_F(OtlpHttpTls, RefusesAnUnknownCertificateWithoutRetrying) {
  auto collector = HttpTestCollector::tls(certificates_.path("server.crt"), certificates_.path("server.key"));
  OtlpHttpExporter exporter(options_for(*collector), clock_.environment());

  const ExportResult result = exporter.export_spans(testing::sample_batches());

  EXPECT_EQ(result.status, ExportStatus::PermanentFailure);
  EXPECT_EQ(result.attempts, 1);
  EXPECT_NE(result.message.find("certificate"), std::string::npos) << result.message;
  EXPECT_TRUE(collector->requests().empty());
}

TEST_F(OtlpHttpTls, SkipVerifyAcceptsAnUnknownCertificate) {
  auto collector = HttpTestCollector::tls(certificates_.path("server.crt"), certificates_.path("server.key"));
  auto options = options_for(*collector);
  options.tls_skip_verify = true;
  OtlpHttpExporter exporter(options, clock_.environment());

  EXPECT_TRUE(exporter.export_spans(testing::sample_batches()).sent());
  EXPECT_EQ(collector->requests().size(), 1u);
}

TEST_F(OtlpHttpTls, PresentsTheClientCertificateForMutualTls) {
  auto collector = HttpTestCollector::tls(certificates_.path("server.crt"), certificates_.path("server.key"),
                                          certificates_.path("ca.crt"));
  auto options = options_for(*collector);
  options.certificate_file = certificates_.path("ca.crt");
  {
    OtlpHttpExporter without_client_certificate(options, clock_.environment());
    EXPECT_FALSE(without_client_certificate.export_spans(testing::sample_batches()).sent());
    EXPECT_TRUE(collector->requests().empty());
  }
  options.client_certificate_file = certificates_.path("client.crt");
  options.client_key_file = certificates_.path("client.key");
  OtlpHttpExporter exporter(options, clock_.environment());
  const ExportResult result = exporter.export_spans(testing::sample_batches());
  EXPECT_EQ(result.status, ExportStatus::Sent) << result.message;
  EXPECT_EQ(collector->requests().size(), 1u);
}

}  // namespace
}  // namespace pipetrace
