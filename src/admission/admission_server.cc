// See admission_server.h.
#include "admission/admission_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "admission/certificate_reloader.h"
#include "serve/exclusive_port.h"

namespace pipetrace::admission {

AdmissionServer::AdmissionServer(AdmissionOptions options, TraceLookup* lookup)
    : options_(std::move(options)), mutator_(options_, lookup) {}

AdmissionServer::~AdmissionServer() { stop(); }

std::string AdmissionServer::start() {
  if (server_) return "";
  if (std::string error = validate_admission_options(options_); !error.empty()) return error;
  certificate_ = std::make_unique<CertificateReloader>(options_.tls_cert_file, options_.tls_key_file);
  if (std::string error = certificate_->load(); !error.empty()) return "admission webhook: " + error;

  CertificateReloader* certificate = certificate_.get();
  auto server = std::make_unique<httplib::SSLServer>([certificate](SSL_CTX& ctx) {
    SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
    certificate->attach(&ctx);
    return true;
  });
  if (!server->is_valid()) return "admission webhook: cannot set up TLS";
  bind_port_exclusively(*server);
  server->set_read_timeout(static_cast<time_t>(options_.io_timeout.count()), 0);
  server->set_write_timeout(static_cast<time_t>(options_.io_timeout.count()), 0);
  server->set_payload_max_length(options_.max_body_bytes);
  server->set_tcp_nodelay(true);
  server->Post(kAdmissionPodsPath, [this](const httplib::Request& req, httplib::Response& res) {
    res.set_content(mutator_.review(req.body), "application/json");
  });
  server->Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });

  int bound = options_.port == 0 ? server->bind_to_any_port(options_.host)
                                 : (server->bind_to_port(options_.host, options_.port) ? options_.port : -1);
  if (bound <= 0) {
    return "admission webhook: cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
           ": the address is in use or not available here (--admission-listen-addr)";
  }
  port_ = bound;
  server_ = std::move(server);
  thread_ = std::thread([s = server_.get()] { s->listen_after_bind(); });
  spdlog::info("admission: webhook listening on {}:{} ({}), certificate {}", options_.host, port_, kAdmissionPodsPath,
               options_.tls_cert_file);
  return "";
}

void AdmissionServer::stop() {
  if (!server_) return;
  server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
  MutatorCounts c = mutator_.counts();
  spdlog::info("admission: webhook stopped ({} reviews, {} patched, {} without a known trace, {} malformed)", c.reviews,
               c.patched, c.without_trace, c.malformed);
}

std::size_t AdmissionServer::certificate_reloads() const { return certificate_ ? certificate_->reloads() : 0; }

}  // namespace pipetrace::admission
