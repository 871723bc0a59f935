// The admission listener's certificate and key, reloaded when their files
// change (cert-manager renewals, a Secret volume's symlink swap) without a
// restart: every TLS handshake looks at the files' stamps and, if they moved,
// loads the new pair. A pair that does not load (half-written, key and
// certificate not matching) is logged and the previous one kept.
#pragma once

#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace pipetrace::admission {

class CertificateReloader {
 public:
  CertificateReloader(std::string cert_file, std::string key_file);
  ~CertificateReloader();
  CertificateReloader(const CertificateReloader&) = delete;
  CertificateReloader& operator=(const CertificateReloader&) = delete;

  // Loads the files now. Empty on success, else what is wrong (naming the file).
  std::string load();
  // Reloads if either file changed since the last attempt; keeps the current
  // pair when the new one does not load.
  void refresh();
  // Installs the current pair on a connection being handshaken; false when
  // there is none.
  bool install(SSL* ssl);
  // Makes `ctx` ask this reloader for the certificate at every handshake.
  void attach(SSL_CTX* ctx);

  std::size_t reloads() const;

 private:
  struct KeyPair;
  struct Stamp {
    std::int64_t mtime_ns = -1;
    std::int64_t size = -1;
    std::uint64_t inode = 0;
    bool operator==(const Stamp&) const = default;
  };
  static Stamp stamp_of(const std::string& path);
  std::shared_ptr<const KeyPair> read_pair(std::string& error) const;

  std::string cert_file_;
  std::string key_file_;
  mutable std::mutex mutex_;
  std::shared_ptr<const KeyPair> current_;
  Stamp cert_stamp_, key_stamp_;  // of the last attempt, successful or not
  std::size_t reloads_ = 0;
};

}  // namespace pipetrace::admission
