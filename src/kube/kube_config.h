// How to reach and authenticate to a Kubernetes API server: read from a
// kubeconfig file (kubectl's format) or from the in-cluster service account.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pipetrace::kube {

struct KubeConfig {
  std::string server;  // "https://host:port", without a trailing '/'

  // Trust: PEM text (from *-data, already base64-decoded) or a file path.
  // Neither set means the system's trust store.
  std::string ca_pem;
  std::string ca_file;
  bool insecure_skip_tls_verify = false;

  // Credentials. A token file is re-read when it changes (projected
  // service-account tokens rotate about hourly).
  std::string token;
  std::string token_file;
  std::string client_cert_pem;
  std::string client_cert_file;
  std::string client_key_pem;
  std::string client_key_file;

  std::string default_namespace;  // the context's namespace, if any
  std::string source;             // "kubeconfig /p (context c)" or "in-cluster service account"
  std::string user_name;          // the kubeconfig user entry, for messages

  // Words for an operator: which credential a 401 is about, which CA a TLS
  // failure is about.
  std::string credential_description() const;
  std::string trust_description() const;
};

struct KubeConfigResult {
  std::optional<KubeConfig> config;
  std::string error;  // names the file, context or variable at fault
  bool ok() const { return config.has_value(); }
};

// The process environment, injectable so tests never depend on the real one.
struct ConfigEnvironment {
  std::function<std::optional<std::string>(const std::string&)> getenv;
  std::string service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount";

  static ConfigEnvironment process();
};

struct KubeConfigRequest {
  std::string kubeconfig_path;  // --kubeconfig; wins over everything else
  std::string context;          // --context; empty means current-context
};

// Resolution order, as kubectl's: --kubeconfig, then $KUBECONFIG (a
// ':'-separated list merged first-wins), then ~/.kube/config when it exists,
// then the in-cluster service account.
KubeConfigResult load_kube_config(const KubeConfigRequest& request,
                                  const ConfigEnvironment& env = ConfigEnvironment::process());

// Merges the files (missing ones are skipped unless `require_all`) and picks
// the context.
KubeConfigResult load_kubeconfig_files(const std::vector<std::string>& paths, const std::string& context,
                                       bool require_all = true);

// KUBERNETES_SERVICE_HOST/PORT plus the service account's token, ca.crt and
// namespace files.
KubeConfigResult load_in_cluster_config(const ConfigEnvironment& env);

}  // namespace pipetrace::kube
