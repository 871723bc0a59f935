// See admission_flags.h.
#include "cli/admission_flags.h"

#include "admission/admission_options.h"

namespace pipetrace {

void add_admission_flags(CLI::App& serve, AdmissionFlags& flags) {
  const char* group = "Admission webhook";
  serve
      .add_option("--admission-listen-addr", flags.listen_addr,
                  "HOST:PORT or :PORT of the HTTPS listener of the pod admission webhook (POST /admission/pods), "
                  "which gives Tekton step containers TRACEPARENT; default: off, or :8443 when --tls-cert-file "
                  "and --tls-key-file are given")
      ->envname("PIPETRACE_ADMISSION_LISTEN_ADDR")
      ->group(group);
  serve
      .add_option("--tls-cert-file", flags.tls_cert_file,
                  "PEM certificate (and chain) of the admission webhook's listener; reloaded when the file changes")
      ->envname("PIPETRACE_TLS_CERT_FILE")
      ->group(group);
  serve.add_option("--tls-key-file", flags.tls_key_file, "PEM private key of --tls-cert-file; reloaded with it")
      ->envname("PIPETRACE_TLS_KEY_FILE")
      ->group(group);
  serve
      .add_option("--admission-otlp-endpoint", flags.otlp_endpoint,
                  "OTEL_EXPORTER_OTLP_ENDPOINT given to step containers that set none (default: none given)")
      ->envname("PIPETRACE_ADMISSION_OTLP_ENDPOINT")
      ->group(group);
  serve
      .add_option("--admission-resource-attributes", flags.resource_attributes,
                  "key=value,... appended to the OTEL_RESOURCE_ATTRIBUTES given to step containers")
      ->envname("PIPETRACE_ADMISSION_RESOURCE_ATTRIBUTES")
      ->group(group);
}

std::string apply_admission_flags(const AdmissionFlags& flags, serve::ServeConfig& config) {
  admission::AdmissionOptions& options = config.admission;
  bool have_cert = !flags.tls_cert_file.empty(), have_key = !flags.tls_key_file.empty();
  if (have_cert != have_key) return "--tls-cert-file and --tls-key-file go together";
  if (flags.listen_addr.empty() && !have_cert) {
    if (!flags.otlp_endpoint.empty() || !flags.resource_attributes.empty()) {
      return "--admission-otlp-endpoint and --admission-resource-attributes need the admission webhook "
             "(--tls-cert-file and --tls-key-file)";
    }
    options.enabled = false;
    return "";
  }
  if (!have_cert) {
    return "--admission-listen-addr needs --tls-cert-file and --tls-key-file: the API server calls webhooks over "
           "HTTPS only";
  }
  serve::ListenAddress address;
  address.port = admission::kDefaultAdmissionPort;
  if (!flags.listen_addr.empty()) {
    if (std::string err = serve::parse_listen_address(flags.listen_addr, address); !err.empty()) {
      return "--admission-listen-addr " + err;
    }
  }
  options.enabled = true;
  options.host = address.host;
  options.port = address.port;
  options.tls_cert_file = flags.tls_cert_file;
  options.tls_key_file = flags.tls_key_file;
  options.otlp_endpoint = flags.otlp_endpoint;
  if (std::string err = admission::parse_resource_attributes(flags.resource_attributes, options.resource_attributes);
      !err.empty()) {
    return "--admission-resource-attributes: " + err;
  }
  if (std::string err = admission::validate_admission_options(options); !err.empty()) {
    if (err.starts_with("cannot read")) return "--tls-cert-file/--tls-key-file: " + err;
    return err;
  }
  return "";
}

}  // namespace pipetrace
