// See certificate_reloader.h.
#include "admission/certificate_reloader.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

namespace pipetrace::admission {

struct CertificateReloader::KeyPair {
  X509* cert = nullptr;
  STACK_OF(X509)* chain = nullptr;  // intermediates after the leaf in the certificate file
  EVP_PKEY* key = nullptr;
  ~KeyPair() {
    if (cert) X509_free(cert);
    if (chain) sk_X509_pop_free(chain, X509_free);
    if (key) EVP_PKEY_free(key);
  }
};

namespace {

std::string openssl_error() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "no PEM data";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

int on_certificate_needed(SSL* ssl, void* arg) {
  auto* reloader = static_cast<CertificateReloader*>(arg);
  reloader->refresh();
  return reloader->install(ssl) ? 1 : 0;
}

}  // namespace

CertificateReloader::CertificateReloader(std::string cert_file, std::string key_file)
    : cert_file_(std::move(cert_file)), key_file_(std::move(key_file)) {}

CertificateReloader::~CertificateReloader() = default;

CertificateReloader::Stamp CertificateReloader::stamp_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
          static_cast<std::int64_t>(st.st_size), static_cast<std::uint64_t>(st.st_ino)};
}

std::shared_ptr<const CertificateReloader::KeyPair> CertificateReloader::read_pair(std::string& error) const {
  auto pair = std::make_shared<KeyPair>();
  BIO* cert_bio = BIO_new_file(cert_file_.c_str(), "r");
  if (cert_bio == nullptr) {
    error = "cannot read the certificate file " + cert_file_;
    ERR_clear_error();
    return nullptr;
  }
  pair->cert = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
  if (pair->cert == nullptr) {
    error = "no certificate in " + cert_file_ + ": " + openssl_error();
    BIO_free(cert_bio);
    return nullptr;
  }
  pair->chain = sk_X509_new_null();
  while (X509* extra = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr)) sk_X509_push(pair->chain, extra);
  ERR_clear_error();  // the end of the file reads as an error
  BIO_free(cert_bio);

  BIO* key_bio = BIO_new_file(key_file_.c_str(), "r");
  if (key_bio == nullptr) {
    error = "cannot read the key file " + key_file_;
    ERR_clear_error();
    return nullptr;
  }
  pair->key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
  BIO_free(key_bio);
  if (pair->key == nullptr) {
    error = "no private key in " + key_file_ + ": " + openssl_error();
    return nullptr;
  }
  if (X509_check_private_key(pair->cert, pair->key) != 1) {
    ERR_clear_error();
    error = "the key in " + key_file_ + " does not belong to the certificate in " + cert_file_;
    return nullptr;
  }
  return pair;
}

std::string CertificateReloader::load() {
  std::lock_guard lock(mutex_);
  cert_stamp_ = stamp_of(cert_file_);
  key_stamp_ = stamp_of(key_file_);
  std::string error;
  auto pair = read_pair(error);
  if (!pair) return error;
  current_ = std::move(pair);
  return "";
}

void CertificateReloader::refresh() {
  Stamp cert = stamp_of(cert_file_), key = stamp_of(key_file_);
  std::lock_guard lock(mutex_);
  if (cert == cert_stamp_ && key == key_stamp_) return;
  cert_stamp_ = cert;
  key_stamp_ = key;
  std::string error;
  auto pair = read_pair(error);
  if (!pair) {
    // Renewals write two files; the next handshake after both land retries.
    spdlog::warn("admission: the certificate files changed but cannot be loaded ({}); still serving the previous "
                 "certificate",
                 error);
    return;
  }
  current_ = std::move(pair);
  ++reloads_;
  spdlog::info("admission: reloaded the TLS certificate from {}", cert_file_);
}

bool CertificateReloader::install(SSL* ssl) {
  std::shared_ptr<const KeyPair> pair;
  {
    std::lock_guard lock(mutex_);
    pair = current_;
  }
  if (!pair) return false;
  // SSL_use_cert_and_key takes its own references; the pair may be replaced meanwhile.
  return SSL_use_cert_and_key(ssl, pair->cert, pair->key, pair->chain, 1) == 1;
}

void CertificateReloader::attach(SSL_CTX* ctx) { SSL_CTX_set_cert_cb(ctx, on_certificate_needed, this); }

std::size_t CertificateReloader::reloads() const {
  std::lock_guard lock(mutex_);
  return reloads_;
}

}  // namespace pipetrace::admission
