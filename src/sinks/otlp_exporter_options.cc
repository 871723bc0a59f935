// Reading and checking the OTLP exporter settings (see the header for the
// precedence rules).
#include "sinks/otlp_exporter_options.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>

#include <fmt/format.h>

#include "model/base64.h"
#include "sinks/endpoint_url.h"
#include "sinks/plain_text_policy.h"

extern char** environ;

namespace pipetrace {

namespace {

constexpr std::string_view kTracesPrefix = "OTEL_EXPORTER_OTLP_TRACES_";
constexpr std::string_view kGenericPrefix = "OTEL_EXPORTER_OTLP_";
constexpr std::string_view kInClusterHint =
    "a loopback address or an in-cluster service name (name, name.namespace, name.namespace.svc, "
    "name.namespace.svc.cluster.local)";

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// A set variable: its name and trimmed value.
struct Setting {
  std::string name;
  std::string value;
};

std::optional<Setting> lookup(const Environment& environment, std::string_view name) {
  const auto it = environment.find(name);
  if (it == environment.end()) return std::nullopt;
  const std::string_view value = trim(it->second);
  if (value.empty()) return std::nullopt;
  return Setting{std::string(name), std::string(value)};
}

// The TRACES_ variable if set, else the generic one.
std::optional<Setting> lookup_traces_first(const Environment& environment, std::string_view suffix) {
  if (auto specific = lookup(environment, std::string(kTracesPrefix) + std::string(suffix))) return specific;
  return lookup(environment, std::string(kGenericPrefix) + std::string(suffix));
}

bool parse_bool(std::string_view text, bool& out) {
  const std::string value = lower(text);
  if (value == "true") {
    out = true;
    return true;
  }
  if (value == "false") {
    out = false;
    return true;
  }
  return false;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool percent_decode(std::string_view text, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return false;
    const int high = hex_value(text[i + 1]);
    const int low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) return false;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return true;
}

bool same_header_name(std::string_view a, std::string_view b) { return lower(a) == lower(b); }

void set_header(std::vector<std::pair<std::string, std::string>>& headers, std::string key, std::string value) {
  for (auto& [k, v] : headers) {
    if (same_header_name(k, key)) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(key), std::move(value));
}

// "OTEL_EXPORTER_OTLP_ENDPOINT=http://x" or, for a command-line output
// whose setting ends in ':', "-o otlp-http:http://x".
std::string setting_with_value(std::string_view setting, std::string_view value) {
  if (!setting.empty() && setting.back() == ':') return fmt::format("{}{}", setting, value);
  return fmt::format("{}={}", setting, value);
}

bool is_http(OtlpProtocol protocol) { return protocol != OtlpProtocol::Grpc; }

// Base URL + "v1/traces" with exactly one slash between them.
std::string append_traces_path(std::string_view base) {
  std::string url(base);
  if (url.empty() || url.back() != '/') url.push_back('/');
  return url + "v1/traces";
}

bool is_http_token(std::string_view name) {
  static constexpr std::string_view kTokenSymbols = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || kTokenSymbols.find(static_cast<char>(c)) != std::string_view::npos;
  });
}

std::string file_problem(const std::string& path) {
  std::ifstream in(path);
  if (in) return {};
  return std::strerror(errno);
}

void read_protocol(const Environment& environment, OtlpOptionsResult& result) {
  const auto setting = lookup_traces_first(environment, "PROTOCOL");
  if (!setting) return;
  const std::string value = lower(setting->value);
  if (value == "grpc") {
    result.options.protocol = OtlpProtocol::Grpc;
  } else if (value == "http/protobuf") {
    result.options.protocol = OtlpProtocol::HttpProtobuf;
  } else if (value == "http/json") {
    result.options.protocol = OtlpProtocol::HttpJson;
  } else {
    result.errors.push_back(fmt::format("{}={} is not a known protocol; use grpc, http/protobuf or http/json",
                                        setting->name, setting->value));
  }
}

void read_headers(const Environment& environment, OtlpOptionsResult& result) {
  for (const std::string_view prefix : {kGenericPrefix, kTracesPrefix}) {
    const auto setting = lookup(environment, std::string(prefix) + "HEADERS");
    if (!setting) continue;
    std::vector<std::pair<std::string, std::string>> parsed;
    if (std::string error = parse_key_value_list(setting->value, setting->name, parsed); !error.empty()) {
      result.errors.push_back(std::move(error));
      continue;
    }
    for (auto& [key, value] : parsed) set_header(result.options.headers, std::move(key), std::move(value));
  }
}

void read_transport_settings(const Environment& environment, OtlpOptionsResult& result) {
  OtlpExporterOptions& options = result.options;
  if (const auto setting = lookup_traces_first(environment, "COMPRESSION")) {
    const std::string value = lower(setting->value);
    if (value == "gzip") {
      options.compression = OtlpCompression::Gzip;
    } else if (value == "none") {
      options.compression = OtlpCompression::None;
    } else {
      result.errors.push_back(fmt::format("{}={} is not supported; use gzip or none", setting->name, setting->value));
    }
  }
  if (const auto setting = lookup_traces_first(environment, "TIMEOUT")) {
    const std::string& v = setting->value;
    const bool digits = v.size() <= 9 && std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); });
    if (!digits || std::stoll(v) == 0) {
      result.errors.push_back(
          fmt::format("{}={} is not a positive whole number of milliseconds", setting->name, setting->value));
    } else {
      options.timeout = std::chrono::milliseconds(std::stoll(v));
    }
  }
  if (const auto setting = lookup_traces_first(environment, "CERTIFICATE")) options.certificate_file = setting->value;
  if (const auto setting = lookup_traces_first(environment, "CLIENT_KEY")) options.client_key_file = setting->value;
  if (const auto setting = lookup_traces_first(environment, "CLIENT_CERTIFICATE")) {
    options.client_certificate_file = setting->value;
  }
  if (const auto setting = lookup_traces_first(environment, "INSECURE")) {
    options.insecure_setting = setting->name;
    if (!parse_bool(setting->value, options.insecure)) {
      result.errors.push_back(fmt::format("{}={} is not true or false", setting->name, setting->value));
    }
  }
}

void read_resource(const Environment& environment, OtlpOptionsResult& result) {
  OtlpExporterOptions& options = result.options;
  if (const auto setting = lookup(environment, "OTEL_RESOURCE_ATTRIBUTES")) {
    std::vector<std::pair<std::string, std::string>> parsed;
    if (std::string error = parse_key_value_list(setting->value, setting->name, parsed); !error.empty()) {
      result.errors.push_back(std::move(error));
    }
    for (auto& [key, value] : parsed) {
      if (key == "service.name") {
        options.service_name = value;
      } else {
        options.resource_attributes.push_back({key, value});
      }
    }
  }
  // The spec gives OTEL_SERVICE_NAME precedence over the resource attribute.
  if (const auto setting = lookup(environment, "OTEL_SERVICE_NAME")) options.service_name = setting->value;
}

// The deprecated Jaeger exporter variables, turned into OTLP to the same
// host: Jaeger has received OTLP itself since 1.35, on 4317 (gRPC) and 4318.
void map_jaeger_settings(const Environment& environment, bool protocol_set, OtlpOptionsResult& result) {
  const auto endpoint = lookup(environment, "OTEL_EXPORTER_JAEGER_ENDPOINT");
  const auto user = lookup(environment, "OTEL_EXPORTER_JAEGER_USER");
  const auto password = lookup(environment, "OTEL_EXPORTER_JAEGER_PASSWORD");
  if (!endpoint) {
    if (user || password) {
      result.warnings.push_back(
          "OTEL_EXPORTER_JAEGER_USER/PASSWORD are ignored: they apply only with OTEL_EXPORTER_JAEGER_ENDPOINT, "
          "which is deprecated; put an Authorization header in OTEL_EXPORTER_OTLP_HEADERS instead");
    }
    return;
  }
  const EndpointUrl url = parse_endpoint_url(endpoint->value);
  if (!url.ok()) {
    result.errors.push_back(fmt::format("{}={}: {}", endpoint->name, endpoint->value, url.error));
    return;
  }
  OtlpExporterOptions& options = result.options;
  const auto jaeger_protocol = lookup(environment, "OTEL_EXPORTER_JAEGER_PROTOCOL");
  const bool grpc = (protocol_set && options.protocol == OtlpProtocol::Grpc) ||
                    (!protocol_set && ((jaeger_protocol && lower(jaeger_protocol->value) == "grpc") ||
                                       url.port == "14250"));
  const std::string scheme = url.scheme.empty() ? "http" : url.scheme;
  EndpointUrl host_only = url;
  host_only.port.clear();
  if (grpc) {
    options.protocol = OtlpProtocol::Grpc;
    options.endpoint = fmt::format("{}://{}:4317", scheme, host_only.authority());
  } else {
    if (!protocol_set) options.protocol = OtlpProtocol::HttpProtobuf;
    options.endpoint = fmt::format("{}://{}:4318/v1/traces", scheme, host_only.authority());
  }
  options.endpoint_setting = endpoint->name;
  options.endpoint_as_given = endpoint->value;
  std::string credentials_note;
  if (user && password) {
    const bool has_authorization =
        std::any_of(options.headers.begin(), options.headers.end(),
                    [](const auto& header) { return same_header_name(header.first, "Authorization"); });
    if (!has_authorization) {
      options.headers.emplace_back("Authorization", "Basic " + base64_encode(user->value + ":" + password->value));
      credentials_note = " with OTEL_EXPORTER_JAEGER_USER/PASSWORD as a basic-auth Authorization header";
    }
  } else if (user || password) {
    result.warnings.push_back(
        "OTEL_EXPORTER_JAEGER_USER and OTEL_EXPORTER_JAEGER_PASSWORD must be set together; neither is used");
  }
  result.warnings.push_back(fmt::format(
      "OTEL_EXPORTER_JAEGER_ENDPOINT is deprecated (OpenTelemetry dropped the Jaeger exporter; Jaeger receives "
      "OTLP since v1.35): sending {} to {}{} instead; set OTEL_EXPORTER_OTLP_TRACES_ENDPOINT={}{} and remove "
      "the OTEL_EXPORTER_JAEGER_* variables to silence this warning",
      to_string(options.protocol), options.endpoint, credentials_note, options.endpoint,
      grpc ? " and OTEL_EXPORTER_OTLP_PROTOCOL=grpc" : ""));
}

}  // namespace

const char* to_string(OtlpProtocol protocol) {
  switch (protocol) {
    case OtlpProtocol::Grpc: return "grpc";
    case OtlpProtocol::HttpProtobuf: return "http/protobuf";
    case OtlpProtocol::HttpJson: return "http/json";
  }
  return "unknown";
}

Environment process_environment() {
  Environment out;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    out.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
  }
  return out;
}

std::string parse_key_value_list(std::string_view text, std::string_view setting,
                                 std::vector<std::pair<std::string, std::string>>& out) {
  std::size_t position = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const std::string_view entry = trim(text.substr(start, comma == std::string_view::npos ? comma : comma - start));
    start = comma == std::string_view::npos ? text.size() + 1 : comma + 1;
    if (entry.empty()) continue;
    ++position;
    const auto equals = entry.find('=');
    if (equals == std::string_view::npos) {
      return fmt::format("{}: entry {} is not key=value", setting, position);
    }
    std::string key;
    std::string value;
    if (!percent_decode(trim(entry.substr(0, equals)), key) || !percent_decode(trim(entry.substr(equals + 1)), value)) {
      return fmt::format("{}: entry {} has a '%' that is not followed by two hex digits", setting, position);
    }
    if (key.empty()) return fmt::format("{}: entry {} has an empty key", setting, position);
    out.emplace_back(std::move(key), std::move(value));
  }
  return {};
}

OtlpOptionsResult apply_lighthouse_plugin_settings(OtlpExporterOptions base, std::string_view exporter_type,
                                                   std::string_view endpoint, std::string_view type_setting,
                                                   std::string_view endpoint_setting) {
  OtlpOptionsResult result;
  result.options = std::move(base);
  OtlpExporterOptions& options = result.options;
  const std::string type = lower(trim(exporter_type));
  if (type != "otlp:grpc:insecure" && type != "otlp:http:insecure") {
    result.errors.push_back(fmt::format("{}={} is not supported; use otlp:grpc:insecure or otlp:http:insecure",
                                        type_setting, exporter_type));
    return result;
  }
  const EndpointUrl url = parse_endpoint_url(trim(endpoint));
  if (!url.ok() || url.scheme == "https" || url.has_explicit_path()) {
    result.errors.push_back(fmt::format("{}={} should be host:port (the collector's address, as for the Lighthouse "
                                        "telemetry plugin){}",
                                        endpoint_setting, endpoint, url.ok() ? "" : ": " + url.error));
    return result;
  }
  if (!plain_text_allowed_to(url.host)) {
    result.errors.push_back(fmt::format(
        "{}={} sends plain text, and {}={} is not {}; point {} at such a host, or use "
        "OTEL_EXPORTER_OTLP_ENDPOINT=https://... for TLS instead",
        type_setting, type, endpoint_setting, trim(endpoint), kInClusterHint, endpoint_setting));
    return result;
  }
  if (type == "otlp:grpc:insecure") {
    options.protocol = OtlpProtocol::Grpc;
    options.endpoint = "http://" + url.authority();
  } else {
    options.protocol = OtlpProtocol::HttpProtobuf;
    options.endpoint = "http://" + url.authority() + "/v1/traces";
  }
  options.insecure = true;
  options.endpoint_setting = std::string(endpoint_setting);
  options.endpoint_as_given = std::string(trim(endpoint));
  options.insecure_setting = std::string(type_setting);
  return result;
}

OtlpOptionsResult otlp_options_from_environment(const Environment& environment) {
  OtlpOptionsResult result;
  OtlpExporterOptions& options = result.options;
  read_protocol(environment, result);
  const bool protocol_set = lookup_traces_first(environment, "PROTOCOL").has_value();
  read_headers(environment, result);
  read_transport_settings(environment, result);
  read_resource(environment, result);

  const auto traces_endpoint = lookup(environment, std::string(kTracesPrefix) + "ENDPOINT");
  const auto generic_endpoint = lookup(environment, std::string(kGenericPrefix) + "ENDPOINT");
  const auto plugin_type = lookup(environment, "TRACES_EXPORTER_TYPE");
  const auto plugin_endpoint = lookup(environment, "TRACES_EXPORTER_ENDPOINT");
  const bool otlp_endpoint_set = traces_endpoint || generic_endpoint;
  const bool plugin_set = plugin_type && plugin_endpoint;
  const bool jaeger_set = lookup(environment, "OTEL_EXPORTER_JAEGER_ENDPOINT").has_value();
  if (traces_endpoint) {
    options.endpoint = traces_endpoint->value;
    options.endpoint_setting = traces_endpoint->name;
  } else if (generic_endpoint) {
    options.endpoint = is_http(options.protocol) ? append_traces_path(generic_endpoint->value) : generic_endpoint->value;
    options.endpoint_setting = generic_endpoint->name;
    options.endpoint_as_given = generic_endpoint->value;
  } else if (plugin_set) {
    OtlpOptionsResult mapped = apply_lighthouse_plugin_settings(options, plugin_type->value, plugin_endpoint->value);
    result.errors.insert(result.errors.end(), mapped.errors.begin(), mapped.errors.end());
    if (mapped.ok()) options = std::move(mapped.options);
  } else if (jaeger_set) {
    map_jaeger_settings(environment, protocol_set, result);
  } else {
    map_jaeger_settings(environment, protocol_set, result);  // only warns about stray USER/PASSWORD
    if (options.protocol == OtlpProtocol::Grpc) options.endpoint = "http://localhost:4317";
  }
  if (plugin_type.has_value() != plugin_endpoint.has_value()) {
    result.warnings.push_back(fmt::format(
        "{} is ignored: TRACES_EXPORTER_TYPE and TRACES_EXPORTER_ENDPOINT work only together (as in the "
        "Lighthouse telemetry plugin)",
        plugin_type ? plugin_type->name : plugin_endpoint->name));
  } else if (plugin_set && otlp_endpoint_set) {
    result.warnings.push_back(fmt::format(
        "TRACES_EXPORTER_TYPE and TRACES_EXPORTER_ENDPOINT are ignored because {} is set", options.endpoint_setting));
  }
  if (jaeger_set && (otlp_endpoint_set || plugin_set)) {
    result.warnings.push_back(fmt::format(
        "OTEL_EXPORTER_JAEGER_ENDPOINT is deprecated and ignored because {} is set; remove it",
        otlp_endpoint_set ? options.endpoint_setting : std::string("TRACES_EXPORTER_ENDPOINT")));
  }
  if (result.ok()) {
    for (std::string& error : validate_otlp_options(options)) result.errors.push_back(std::move(error));
  }
  return result;
}

std::vector<std::string> validate_otlp_options(const OtlpExporterOptions& options) {
  std::vector<std::string> errors;
  const EndpointUrl url = parse_endpoint_url(options.endpoint);
  const std::string endpoint_assignment = setting_with_value(
      options.endpoint_setting, options.endpoint_as_given.empty() ? options.endpoint : options.endpoint_as_given);
  if (!url.ok()) {
    errors.push_back(fmt::format("{}: {}", endpoint_assignment, url.error));
  } else if (is_http(options.protocol) && url.scheme.empty()) {
    errors.push_back(fmt::format("{} has no scheme; OTLP/HTTP needs an http:// or https:// URL",
                                 endpoint_assignment));
  } else {
    const bool grpc_insecure = options.protocol == OtlpProtocol::Grpc && url.scheme.empty() && options.insecure;
    const bool plain_text = url.scheme == "http" || grpc_insecure;
    if (plain_text && !plain_text_allowed_to(url.host)) {
      if (grpc_insecure) {
        errors.push_back(fmt::format(
            "{} asks for plain text to {} ({}), which is not {}; unset it to use TLS, or point {} at such a host",
            setting_with_value(options.insecure_setting, "true"), url.host,
            endpoint_assignment, kInClusterHint,
            options.endpoint_setting));
      } else {
        errors.push_back(fmt::format("{} is plain text to a non-local host; use https:// or point {} at {}",
                                     endpoint_assignment,
                                     options.endpoint_setting, kInClusterHint));
      }
    }
  }
  const auto check_file = [&errors](const std::string& path, std::string_view what, std::string_view variable) {
    if (path.empty()) return;
    if (std::string problem = file_problem(path); !problem.empty()) {
      errors.push_back(fmt::format("the {} file {} (OTEL_EXPORTER_OTLP_[TRACES_]{}) cannot be read: {}", what, path,
                                   variable, problem));
    }
  };
  check_file(options.certificate_file, "CA certificate", "CERTIFICATE");
  check_file(options.client_key_file, "client key", "CLIENT_KEY");
  check_file(options.client_certificate_file, "client certificate", "CLIENT_CERTIFICATE");
  if (options.client_key_file.empty() != options.client_certificate_file.empty()) {
    errors.push_back(
        "a client key and a client certificate (OTEL_EXPORTER_OTLP_[TRACES_]CLIENT_KEY and CLIENT_CERTIFICATE) "
        "must be given together");
  }
  if (options.timeout <= std::chrono::milliseconds::zero()) {
    errors.push_back(fmt::format("the export timeout must be positive, not {}ms", options.timeout.count()));
  }
  for (const auto& [key, value] : options.headers) {
    if (!is_http_token(key)) {
      errors.push_back(fmt::format("header name '{}' is not a valid HTTP header name", key));
    } else if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      errors.push_back(fmt::format("header {} has a line break or NUL in its value", key));
    }
  }
  return errors;
}

Resource otlp_resource(const OtlpExporterOptions& options) {
  Resource resource;
  resource.attributes.push_back({"service.name", options.service_name});
  resource.attributes.insert(resource.attributes.end(), options.resource_attributes.begin(),
                             options.resource_attributes.end());
  return resource;
}

}  // namespace pipetrace
