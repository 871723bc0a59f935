// Certificate generation with the OpenSSL 3 API (see test_certificates.h).
#include "test_certificates.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <memory>

namespace pipetrace::testing {
namespace {

using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Cert = std::unique_ptr<X509, decltype(&X509_free)>;

Key new_key() { return Key(EVP_EC_gen("P-256"), &EVP_PKEY_free); }

bool add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// Signs `subject_key` into a certificate; a null issuer makes it self-signed.
Cert make_cert(EVP_PKEY* subject_key, const std::string& common_name, const std::string& organization,
               X509* issuer, EVP_PKEY* issuer_key, bool is_ca, const char* extended_usage, const char* alt_names) {
  Cert cert(X509_new(), &X509_free);
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 7L * 24 * 3600);
  X509_set_pubkey(cert.get(), subject_key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (!organization.empty())
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(organization.c_str()), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name.c_str()),
                             -1, -1, 0);
  X509* signer = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  bool ok = add_extension(cert.get(), signer, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  ok = ok && add_extension(cert.get(), signer, NID_key_usage,
                           is_ca ? "critical,keyCertSign,cRLSign,digitalSignature"
                                 : "critical,digitalSignature,keyEncipherment");
  ok = ok && add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (issuer) ok = ok && add_extension(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
  if (extended_usage) ok = ok && add_extension(cert.get(), signer, NID_ext_key_usage, extended_usage);
  if (alt_names) ok = ok && add_extension(cert.get(), signer, NID_subject_alt_name, alt_names);
  if (!ok || X509_sign(cert.get(), issuer_key, EVP_sha256()) == 0) return Cert(nullptr, &X509_free);
  return cert;
}

std::string cert_pem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

std::string key_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

TestCertificates make_test_certificates(const std::string& dir, const std::string& name, std::string& error) {
  TestCertificates out;
  Key ca_key = new_key(), server_key = new_key(), client_key = new_key();
  if (!ca_key || !server_key || !client_key) {
    error = "OpenSSL could not make a P-256 key";
    return out;
  }
  Cert ca = make_cert(ca_key.get(), name + " test CA", "", nullptr, ca_key.get(), true, nullptr, nullptr);
  if (!ca) {
    error = "OpenSSL could not make the test CA certificate";
    return out;
  }
  Cert server = make_cert(server_key.get(), "kube-apiserver", "", ca.get(), ca_key.get(), false, "serverAuth",
                          "IP:127.0.0.1,DNS:localhost");
  // system:masters is what a real cluster's admin client certificate carries.
  Cert client = make_cert(client_key.get(), "pipetrace-test", "system:masters", ca.get(), ca_key.get(), false,
                          "clientAuth", nullptr);
  if (!server || !client) {
    error = "OpenSSL could not sign the test server or client certificate";
    return out;
  }
  out.ca_pem = cert_pem(ca.get());
  out.client_cert_pem = cert_pem(client.get());
  out.client_key_pem = key_pem(client_key.get());
  out.ca_cert_file = dir + "/ca.crt";
  out.server_cert_file = dir + "/server.crt";
  out.server_key_file = dir + "/server.key";
  out.client_cert_file = dir + "/client.crt";
  out.client_key_file = dir + "/client.key";
  bool ok = write_file(out.ca_cert_file, out.ca_pem) && write_file(out.server_cert_file, cert_pem(server.get())) &&
            write_file(out.server_key_file, key_pem(server_key.get())) &&
            write_file(out.client_cert_file, out.client_cert_pem) &&
            write_file(out.client_key_file, out.client_key_pem);
  if (!ok) error = "cannot write the test certificates into " + dir;
  return out;
}

}  // namespace pipetrace::testing
