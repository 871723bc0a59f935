// Builds the seed corpora of the fuzz targets from the fixture files, so that
// no copy of a fixture is kept under fuzz/: scripts/run-fuzz runs it before
// fuzzing. Usage: fuzz_seed_builder FIXTURES_DIR OUT_DIR; writes
// OUT_DIR/<target>/<fixture path>[-n] and prints how many seeds each got.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <CLI/CLI.hpp>

#include "cli/serve_command.h"
#include "cli/serve_config_file.h"
#include "delivery_input.h"
#include "sinks/otlp_json_decoder.h"
#include "sinks/otlp_json_encoder.h"
#include "sinks/otlp_proto_encoder.h"
#include "sources/yaml_to_json.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

class SeedWriter {
 public:
  explicit SeedWriter(fs::path out) : out_(std::move(out)) {}

  void add(const std::string& target, const std::string& name, const std::string& bytes) {
    fs::path dir = out_ / target;
    fs::create_directories(dir);
    std::string file = name;
    std::replace(file.begin(), file.end(), '/', '_');
    std::ofstream(dir / file, std::ios::binary) << bytes;
    ++counts_[target];
  }

  void report() const {
    for (const auto& [target, count] : counts_) std::cout << target << ": " << count << " seeds\n";
  }

 private:
  fs::path out_;
  std::map<std::string, std::size_t> counts_;
};

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_yaml(const std::string& name) { return ends_with(name, ".yaml") || ends_with(name, ".yml"); }

// The JSON documents a fixture holds, whatever its form.
std::vector<json> documents(const std::string& name, const std::string& text) {
  std::vector<json> out;
  auto take = [&](const std::string& piece) {
    json value = json::parse(piece, nullptr, false);
    if (!value.is_discarded()) out.push_back(std::move(value));
  };
  if (is_yaml(name)) {
    for (const auto& document : pipetrace::yaml_to_json(text).documents) take(document);
  } else if (ends_with(name, ".jsonl")) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) take(line);
  } else {
    take(text);
  }
  return out;
}

// Single Kubernetes objects: List items, array elements, watch-event objects.
void collect_objects(const json& value, std::vector<json>& out) {
  if (value.is_array()) {
    for (const auto& element : value) collect_objects(element, out);
  } else if (value.is_object()) {
    if (value.contains("items") && value["items"].is_array()) {
      collect_objects(value["items"], out);
    } else if (value.contains("type") && value.contains("object")) {
      collect_objects(value["object"], out);
    } else {
      out.push_back(value);
    }
  }
}

// GitLab's event header from a go-gitlab example's name ("go-gitlab-merge-request").
std::string gitlab_event(const std::string& stem) {
  if (stem.find("tag-push") != std::string::npos) return "Tag Push Hook";
  if (stem.find("merge-request") != std::string::npos && stem.find("note") == std::string::npos) return "Merge Request Hook";
  static const std::pair<const char*, const char*> kEvents[] = {
      {"note", "Note Hook"},         {"push", "Push Hook"},       {"pipeline", "Pipeline Hook"},
      {"job", "Job Hook"},           {"release", "Release Hook"}, {"deployment", "Deployment Hook"},
      {"issue", "Issue Hook"}};
  for (const auto& [word, event] : kEvents) {
    if (stem.find(word) != std::string::npos) return event;
  }
  return "";
}

// The signature serve expects (webhook_auth.h), computed here with OpenSSL
// so that the seed builder needs no more than the parsers' libraries.
std::string hmac_sha256_hex(std::string_view key, std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(body.data()),
       body.size(), digest, &length);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kDigits[digest[i] >> 4];
    hex += kDigits[digest[i] & 15];
  }
  return hex;
}

void add_delivery(SeedWriter& seeds, const std::string& name, const std::string& headers, const std::string& body) {
  seeds.add("fuzz_webhook_extractor", name, headers + "\n" + body);
  std::string signature = "sha256=" + hmac_sha256_hex(pipetrace::fuzz::kWebhookSecret, body);
  seeds.add("fuzz_webhook_signature", name,
            headers + "X-Lighthouse-Signature: " + signature + "\nX-Hub-Signature-256: " + signature +
                "\nX-Gitlab-Token: " + std::string(pipetrace::fuzz::kWebhookSecret) + "\n\n" + body);
}

// Webhook bodies with the headers their sender sets.
void webhook_seeds(SeedWriter& seeds, const std::string& relative, const fs::path& path, const std::string& text) {
  std::string folder = path.parent_path().filename().string();
  std::string grandparent = path.parent_path().parent_path().filename().string();
  std::string file = path.filename().string();
  if (ends_with(file, ".golden")) {
    add_delivery(seeds, relative, "X-Lighthouse-Payload-Type: webhook\n", text);
  } else if (folder == "github" && grandparent != "webhooks" && file.starts_with("octokit-")) {
    std::string event = file.substr(8, file.find('.') - 8);
    add_delivery(seeds, relative, "X-GitHub-Event: " + event + "\nX-GitHub-Delivery: fuzz-seed\n", text);
  } else if (folder == "github") {
    add_delivery(seeds, relative, "X-GitHub-Delivery: fuzz-seed\n", text);
  } else if (folder == "gitlab") {
    std::string event = gitlab_event(path.stem().string());
    add_delivery(seeds, relative, event.empty() ? std::string() : "X-Gitlab-Event: " + event + "\n", text);
  }
}

void otlp_seeds(SeedWriter& seeds, const std::string& relative, const std::vector<json>& docs) {
  for (std::size_t i = 0; i < docs.size(); ++i) {
    std::string text = docs[i].dump();
    pipetrace::OtlpDecodeResult decoded = pipetrace::decode_otlp_json(text);
    if (!decoded.ok() || decoded.batches.empty()) continue;
    std::string name = relative + "-" + std::to_string(i);
    seeds.add("fuzz_otlp_json_decoder", name, text);
    seeds.add("fuzz_otlp_json_decoder", name + "-ours", pipetrace::encode_otlp_json(decoded.batches));
    seeds.add("fuzz_otlp_proto_decoder", name, pipetrace::encode_otlp_proto(decoded.batches));
  }
}

// No fixture is a kubeconfig: these are the shapes kubectl writes.
void kubeconfig_seeds(SeedWriter& seeds) {
  seeds.add("fuzz_kube_config", "token-and-ca-data", R"(apiVersion: v1
kind: Config
current-context: lab
clusters:
- name: lab
  cluster:
    server: https://127.0.0.1:6443/
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
contexts:
- name: lab
  context: {cluster: lab, user: admin, namespace: jx}
users:
- name: admin
  user:
    token: abc.def
)");
  seeds.add("fuzz_kube_config", "client-cert-files", R"(apiVersion: v1
kind: Config
current-context: other
clusters:
- {name: c, cluster: {server: "https://k8s.example:443", insecure-skip-tls-verify: true}}
- {name: d, cluster: {server: "https://d:6443", certificate-authority: ca.crt}}
contexts:
- {name: other, context: {cluster: d, user: u}}
- {name: lab, context: {cluster: c, user: v}}
users:
- {name: u, user: {client-certificate: cert.pem, client-key: key.pem}}
- {name: v, user: {client-certificate-data: Y2VydA==, client-key-data: a2V5, tokenFile: /t}}
)");
}

// A serve config file with every setting at its default, as the reader
// itself writes one, plus list values written both ways YAML allows.
void serve_config_seeds(SeedWriter& seeds) {
  CLI::App app("pipetrace");
  pipetrace::register_serve_command(app);
  CLI::App* serve = app.get_subcommand("serve");
  pipetrace::YamlConfig config(*serve);
  seeds.add("fuzz_serve_config", "defaults.yaml", config.to_config(serve, true, false, ""));
  seeds.add("fuzz_serve_config", "lists.yaml",
            "listen-addr: \"127.0.0.1:9000\"\nnamespace: [jx, tekton-pipelines]\nno-store: true\n"
            "kind:\n  - pods\n  - pipelineruns\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: fuzz_seed_builder FIXTURES_DIR OUT_DIR\n";
    return 2;
  }
  const fs::path fixtures = argv[1];
  SeedWriter seeds(argv[2]);
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(fixtures)) {
    if (entry.is_regular_file() && entry.path().extension() != ".md") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    const std::string relative = fs::relative(path, fixtures).string();
    const std::string name = path.filename().string();
    const std::string text = read_all(path);
    seeds.add("fuzz_recording_reader", relative, text);
    if (is_yaml(name) || path.extension() == ".json") seeds.add("fuzz_yaml_to_json", relative, text);
    webhook_seeds(seeds, relative, path, text);

    std::vector<json> docs = ends_with(name, ".golden") ? std::vector<json>{} : documents(name, text);
    if (relative.starts_with("otlp/")) {
      otlp_seeds(seeds, relative, docs);
      continue;
    }
    std::vector<json> objects;
    for (const auto& doc : docs) collect_objects(doc, objects);
    for (std::size_t i = 0; i < objects.size(); ++i) {
      seeds.add("fuzz_object_extractor", relative + "-" + std::to_string(i), objects[i].dump());
    }
    // What the watcher reads: watch lines and list pages.
    if (ends_with(name, ".jsonl")) {
      std::istringstream lines(text);
      std::size_t n = 0;
      for (std::string line; std::getline(lines, line);) {
        if (!line.empty()) seeds.add("fuzz_watch_event", relative + "-" + std::to_string(n++), line);
      }
    } else if (path.extension() == ".json" && text.find("\"items\"") != std::string::npos) {
      seeds.add("fuzz_watch_event", relative, text);
    }
    if (relative.starts_with("lighthouse/activity/") && name == "record.yaml" && !docs.empty()) {
      add_delivery(seeds, relative, "X-Lighthouse-Payload-Type: activity\n", docs.front().dump());
    }
  }
  kubeconfig_seeds(seeds);
  serve_config_seeds(seeds);
  seeds.report();
  return 0;
}
