// Validation of the admission webhook's options (see admission_options.h).
#include "admission/admission_options.h"

#include <filesystem>
#include <fstream>

namespace pipetrace::admission {
namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.erase(s.begin());
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

bool readable(const std::string& path) {
  std::ifstream in(path);
  return static_cast<bool>(in);
}

}  // namespace

std::string parse_resource_attributes(const std::string& text,
                                      std::vector<std::pair<std::string, std::string>>& out) {
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item = trim(text.substr(start, end - start));
    start = end + 1;
    if (item.empty()) continue;
    std::size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) return "'" + item + "' is not key=value";
    out.emplace_back(trim(item.substr(0, eq)), trim(item.substr(eq + 1)));
  }
  return "";
}

std::string validate_admission_options(const AdmissionOptions& options) {
  if (!options.enabled) return "";
  if (options.tls_cert_file.empty() || options.tls_key_file.empty()) {
    return "the admission webhook needs --tls-cert-file and --tls-key-file (the API server calls webhooks over "
           "HTTPS only)";
  }
  for (const std::string* path : {&options.tls_cert_file, &options.tls_key_file}) {
    if (!std::filesystem::is_regular_file(*path) || !readable(*path)) return "cannot read " + *path;
  }
  if (options.port < 0 || options.port > 65535) return "port " + std::to_string(options.port) + " is out of range";
  return "";
}

}  // namespace pipetrace::admission
