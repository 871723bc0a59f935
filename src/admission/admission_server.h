// The admission webhook's own HTTPS listener (the API server calls webhooks
// over TLS only): POST /admission/pods answers AdmissionReviews, GET /healthz
// answers probes. Its certificate is reloaded when the files change.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "admission/admission_options.h"
#include "admission/pod_mutator.h"
#include "admission/trace_lookup.h"

namespace httplib {
class SSLServer;
}

namespace pipetrace::admission {

class CertificateReloader;

inline constexpr const char* kAdmissionPodsPath = "/admission/pods";

class AdmissionServer {
 public:
  // `lookup` may be null (decisions from the pod alone); it must outlive the server.
  AdmissionServer(AdmissionOptions options, TraceLookup* lookup);
  ~AdmissionServer();
  AdmissionServer(const AdmissionServer&) = delete;
  AdmissionServer& operator=(const AdmissionServer&) = delete;

  // Loads the certificate, binds and starts serving. Empty on success, else
  // a message for the operator (nothing is left running then).
  std::string start();
  void stop();

  int port() const { return port_; }
  MutatorCounts counts() const { return mutator_.counts(); }
  std::size_t certificate_reloads() const;

 private:
  AdmissionOptions options_;
  PodMutator mutator_;
  std::unique_ptr<CertificateReloader> certificate_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace pipetrace::admission
