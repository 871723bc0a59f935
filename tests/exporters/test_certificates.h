// A throw-away certificate authority for the TLS tests: a CA, a server
// certificate for 127.0.0.1/localhost and a client certificate, made with the
// openssl command in a temporary directory (a fraction of a second, EC keys).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

namespace pipetrace::testing {

class TestCertificates {
 public:
  TestCertificates() {
    static int counter = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("pipetrace-certs-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "server.ext") << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
    std::ofstream(dir_ / "client.ext") << "extendedKeyUsage=clientAuth\n";
    const std::string d = dir_.string();
    const std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
    const std::string script =
        "cd '" + d + "' && " +
        "openssl req -x509" + key + "-keyout ca.key -out ca.crt -days 2 -subj /CN=pipetrace-test-ca && " +
        "openssl req" + key + "-keyout server.key -out server.csr -subj /CN=localhost && " +
        "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 " +
        "-extfile server.ext -out server.crt && " +
        "openssl req" + key + "-keyout client.key -out client.csr -subj /CN=pipetrace-client && " +
        "openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 " +
        "-extfile client.ext -out client.crt";
    ok_ = std::system(("(" + script + ") >/dev/null 2>&1").c_str()) == 0;
  }
  ~TestCertificates() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  TestCertificates(const TestCertificates&) = delete;
  TestCertificates& operator=(const TestCertificates&) = delete;

  bool ok() const { return ok_; }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  std::filesystem::path dir_;
  bool ok_ = false;
};

}  // namespace pipetrace::testing
