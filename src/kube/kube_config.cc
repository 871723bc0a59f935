// Kubeconfig and in-cluster configuration loading (see kube_config.h).
#include "kube/kube_config.h"

#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace pipetrace::kube {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

// Kubeconfig *-data fields are standard base64, sometimes wrapped on lines.
std::optional<std::string> base64_decode(const std::string& text) {
  std::string compact;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) compact += c;
  if (compact.size() % 4 != 0) return std::nullopt;
  std::string out(compact.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(compact.data()), static_cast<int>(compact.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the bytes that the '=' padding stands for.
  std::size_t padding = 0;
  if (!compact.empty() && compact.back() == '=') padding++;
  if (compact.size() > 1 && compact[compact.size() - 2] == '=') padding++;
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

// Relative paths in a kubeconfig are relative to the file that holds them.
std::string resolve_path(const std::string& path, const std::string& kubeconfig_file) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(kubeconfig_file).parent_path() / path).lexically_normal().string();
}

std::string scalar(const YAML::Node& node, const char* key) {
  const YAML::Node v = node[key];
  if (!v || !v.IsScalar()) return {};
  return v.Scalar();
}

bool truthy(const YAML::Node& node, const char* key) {
  const YAML::Node v = node[key];
  if (!v || !v.IsScalar()) return false;
  std::string s = v.Scalar();
  return s == "true" || s == "True" || s == "TRUE";
}

// One named entry (cluster, user or context) and the file it came from.
struct Entry {
  YAML::Node body;
  std::string file;
};
using Entries = std::map<std::string, Entry>;

// First file that defines a name wins, as in kubectl's merge.
void collect(const YAML::Node& list, const char* body_key, const std::string& file, Entries& into) {
  if (!list || !list.IsSequence()) return;
  for (const auto& item : list) {
    if (!item.IsMap()) continue;
    std::string name = scalar(item, "name");
    if (name.empty() || into.count(name)) continue;
    // Not a map ("context: lab"): kept as an empty one, since reading a key
    // of a scalar throws; what it lacks is then reported by name.
    YAML::Node body = item[body_key];
    into[name] = Entry{body && body.IsMap() ? body : YAML::Node(YAML::NodeType::Map), file};
  }
}

std::string decode_or_error(const std::string& data, const std::string& field, const std::string& where,
                            std::string& error) {
  auto decoded = base64_decode(data);
  if (!decoded) {
    error = field + " of " + where + " is not valid base64";
    return {};
  }
  return *decoded;
}

}  // namespace

std::string KubeConfig::credential_description() const {
  std::string who = user_name.empty() ? std::string() : " of user '" + user_name + "'";
  if (!token_file.empty()) return "the bearer token file " + token_file + who + " (" + source + ")";
  if (!token.empty()) return "the bearer token" + who + " (" + source + ")";
  if (!client_cert_pem.empty() || !client_cert_file.empty())
    return "the client certificate" + who + " (" + source + ")";
  return "no credentials (" + source + " has none for this context)";
}

std::string KubeConfig::trust_description() const {
  if (insecure_skip_tls_verify) return "no certificate check (insecure-skip-tls-verify)";
  if (!ca_file.empty()) return "the certificate authority file " + ca_file;
  if (!ca_pem.empty()) return "the certificate-authority-data of " + source;
  return "the system's trusted certificate authorities";
}

ConfigEnvironment ConfigEnvironment::process() {
  ConfigEnvironment env;
  env.getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
  return env;
}

KubeConfigResult load_kubeconfig_files(const std::vector<std::string>& paths, const std::string& context,
                                       bool require_all) {
  Entries clusters, users, contexts;
  std::string current_context;
  std::string current_context_file;
  std::vector<std::string> read;
  for (const auto& path : paths) {
    auto text = read_file(path);
    if (!text) {
      if (require_all) return {std::nullopt, "cannot read kubeconfig " + path};
      continue;
    }
    YAML::Node root;
    try {
      root = YAML::Load(*text);
    } catch (const YAML::Exception& e) {
      return {std::nullopt, "kubeconfig " + path + " is not valid YAML: " + e.what()};
    }
    read.push_back(path);
    if (!root || root.IsNull()) continue;
    if (!root.IsMap()) return {std::nullopt, "kubeconfig " + path + " is not a YAML mapping"};
    collect(root["clusters"], "cluster", path, clusters);
    collect(root["users"], "user", path, users);
    collect(root["contexts"], "context", path, contexts);
    if (current_context.empty()) {
      current_context = scalar(root, "current-context");
      current_context_file = path;
    }
  }
  std::string files;
  for (const auto& p : read) files += (files.empty() ? "" : ", ") + p;
  if (read.empty()) return {std::nullopt, "no kubeconfig file could be read"};

  std::string context_name = context.empty() ? current_context : context;
  if (context_name.empty())
    return {std::nullopt, "kubeconfig " + files + " sets no current-context; pass --context"};
  auto ctx = contexts.find(context_name);
  if (ctx == contexts.end())
    return {std::nullopt, "kubeconfig " + files + " has no context named '" + context_name + "'"};

  KubeConfig config;
  config.source = "kubeconfig " + ctx->second.file + " (context " + context_name + ")";
  std::string cluster_name = scalar(ctx->second.body, "cluster");
  std::string user_name = scalar(ctx->second.body, "user");
  config.default_namespace = scalar(ctx->second.body, "namespace");
  config.user_name = user_name;

  auto cl = clusters.find(cluster_name);
  if (cluster_name.empty() || cl == clusters.end())
    return {std::nullopt, "context '" + context_name + "' in " + ctx->second.file + " names cluster '" + cluster_name +
                              "', which no kubeconfig file defines"};
  const YAML::Node& cluster = cl->second.body;
  std::string where = "cluster '" + cluster_name + "' in " + cl->second.file;
  config.server = scalar(cluster, "server");
  while (!config.server.empty() && config.server.back() == '/') config.server.pop_back();
  if (config.server.empty()) return {std::nullopt, where + " has no server"};
  if (config.server.rfind("https://", 0) != 0 && config.server.rfind("http://", 0) != 0)
    return {std::nullopt, where + " has server '" + config.server + "', which is not an http(s) URL"};
  config.insecure_skip_tls_verify = truthy(cluster, "insecure-skip-tls-verify");
  std::string error;
  if (auto data = scalar(cluster, "certificate-authority-data"); !data.empty()) {
    config.ca_pem = decode_or_error(data, "certificate-authority-data", where, error);
    if (!error.empty()) return {std::nullopt, error};
  } else {
    config.ca_file = resolve_path(scalar(cluster, "certificate-authority"), cl->second.file);
  }

  if (!user_name.empty()) {
    auto us = users.find(user_name);
    if (us == users.end())
      return {std::nullopt, "context '" + context_name + "' names user '" + user_name +
                                "', which no kubeconfig file defines"};
    const YAML::Node& user = us->second.body;
    std::string uwhere = "user '" + user_name + "' in " + us->second.file;
    config.token = scalar(user, "token");
    config.token_file = resolve_path(scalar(user, "tokenFile"), us->second.file);
    if (!config.token_file.empty()) config.token.clear();  // the file is the fresher source
    if (auto data = scalar(user, "client-certificate-data"); !data.empty()) {
      config.client_cert_pem = decode_or_error(data, "client-certificate-data", uwhere, error);
    } else {
      config.client_cert_file = resolve_path(scalar(user, "client-certificate"), us->second.file);
    }
    if (auto data = scalar(user, "client-key-data"); !data.empty()) {
      config.client_key_pem = decode_or_error(data, "client-key-data", uwhere, error);
    } else {
      config.client_key_file = resolve_path(scalar(user, "client-key"), us->second.file);
    }
    if (!error.empty()) return {std::nullopt, error};
    bool has_cert = !config.client_cert_pem.empty() || !config.client_cert_file.empty();
    bool has_key = !config.client_key_pem.empty() || !config.client_key_file.empty();
    if (has_cert != has_key)
      return {std::nullopt, uwhere + " has a client certificate without its key, or a key without its certificate"};
    bool has_token = !config.token.empty() || !config.token_file.empty();
    if (!has_token && !has_cert && (user["exec"] || user["auth-provider"]))
      return {std::nullopt, uwhere +
                                " authenticates through an exec plugin or auth-provider, which pipetrace does not "
                                "run; give it a token, tokenFile or client certificate"};
  }
  return {std::move(config), {}};
}

KubeConfigResult load_in_cluster_config(const ConfigEnvironment& env) {
  auto host = env.getenv ? env.getenv("KUBERNETES_SERVICE_HOST") : std::nullopt;
  auto port = env.getenv ? env.getenv("KUBERNETES_SERVICE_PORT") : std::nullopt;
  if (!host || host->empty() || !port || port->empty())
    return {std::nullopt, "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set"};
  fs::path dir = env.service_account_dir;
  std::string token_file = (dir / "token").string();
  auto token = read_file(token_file);
  if (!token) return {std::nullopt, "cannot read the service account token " + token_file};
  KubeConfig config;
  std::string h = *host;
  if (h.find(':') != std::string::npos && h.front() != '[') h = "[" + h + "]";  // IPv6 literal
  config.server = "https://" + h + ":" + *port;
  config.token_file = token_file;
  config.ca_file = (dir / "ca.crt").string();
  if (auto ns = read_file((dir / "namespace").string())) config.default_namespace = trim(*ns);
  config.source = "in-cluster service account";
  return {std::move(config), {}};
}

KubeConfigResult load_kube_config(const KubeConfigRequest& request, const ConfigEnvironment& env) {
  if (!request.kubeconfig_path.empty()) return load_kubeconfig_files({request.kubeconfig_path}, request.context);
  auto from_env = env.getenv ? env.getenv("KUBECONFIG") : std::nullopt;
  if (from_env && !from_env->empty()) {
    std::vector<std::string> paths;
    std::stringstream list(*from_env);
    for (std::string item; std::getline(list, item, ':');)
      if (!item.empty()) paths.push_back(item);
    auto result = load_kubeconfig_files(paths, request.context, /*require_all=*/false);
    if (!result.ok()) result.error = "$KUBECONFIG=" + *from_env + ": " + result.error;
    return result;
  }
  auto home = env.getenv ? env.getenv("HOME") : std::nullopt;
  if (home && !home->empty()) {
    std::string path = (fs::path(*home) / ".kube" / "config").string();
    std::error_code ec;
    if (fs::exists(path, ec)) return load_kubeconfig_files({path}, request.context);
  }
  auto in_cluster = load_in_cluster_config(env);
  if (!in_cluster.ok())
    in_cluster.error = "no kubeconfig (--kubeconfig, $KUBECONFIG, ~/.kube/config) and " + in_cluster.error;
  return in_cluster;
}

}  // namespace pipetrace::kube
