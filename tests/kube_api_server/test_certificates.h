// Certificates for the test API server, made at test time with OpenSSL: a CA,
// a server certificate for 127.0.0.1 and localhost signed by it, and a client
// certificate (for mutual TLS). kubectl sends a bearer token only over HTTPS,
// so the test server must speak TLS.
#pragma once

#include <string>

namespace pipetrace::testing {

struct TestCertificates {
  std::string ca_cert_file;
  std::string ca_pem;
  std::string server_cert_file;
  std::string server_key_file;
  std::string client_cert_file;
  std::string client_key_file;
  std::string client_cert_pem;
  std::string client_key_pem;
};

// Writes ca.crt, server.crt, server.key, client.crt, client.key into `dir`
// (which must exist). `name` goes into the CA's common name, so that two CAs
// made for one test can be told apart. Empty `error` on success.
TestCertificates make_test_certificates(const std::string& dir, const std::string& name, std::string& error);

}  // namespace pipetrace::testing
