// The `serve` flags of the pod admission webhook (group "Admission webhook"),
// kept apart from serve_command.cc: registration, and their translation into
// ServeConfig::admission.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "serve/serve_config.h"

namespace pipetrace {

struct AdmissionFlags {
  std::string listen_addr;  // "": off, or ":8443" when both certificate files are given
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string otlp_endpoint;
  std::string resource_attributes;
};

void add_admission_flags(CLI::App& serve, AdmissionFlags& flags);

// Empty when valid (the webhook may stay off), else the message naming the flag at fault.
std::string apply_admission_flags(const AdmissionFlags& flags, serve::ServeConfig& config);

}  // namespace pipetrace
