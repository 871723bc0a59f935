// OTLP/HTTP export through libcurl. libcurl reports success for any HTTP
// status, so every outcome is decided from the status code we read back.
#include "sinks/otlp_http_exporter.h"

#include <algorithm>
#include <cctype>

#include <curl/curl.h>
#include <fmt/format.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "sinks/gzip.h"
#include "sinks/otlp_json_encoder.h"
#include "sinks/otlp_proto_encoder.h"

namespace pipetrace {

namespace {

constexpr std::size_t kMaxResponseBytes = 64 * 1024;  // a collector's reply is small; never buffer more
constexpr std::size_t kExcerptBytes = 300;

void initialise_curl_once() {
  static const bool done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)done;
}

bool iequals_prefix(std::string_view line, std::string_view name) {
  if (line.size() < name.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(line[i])) != std::tolower(static_cast<unsigned char>(name[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::size_t count_spans(std::span<const SpanBatch> batches) {
  std::size_t n = 0;
  for (const SpanBatch& batch : batches) n += batch.spans.size();
  return n;
}

// Connection-level failures that a later attempt can get past: the
// collector restarting, a load balancer without ready endpoints, DNS
// catching up with a new Service. Certificate and usage errors are not.
bool is_transient(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

bool is_retryable_status(long status) { return status == 429 || status == 502 || status == 503 || status == 504; }

// The message field (2) of a google.rpc.Status, which OTLP/HTTP collectors
// return as the body of an error in protobuf.
std::optional<std::string> rpc_status_message(std::string_view body) {
  using google::protobuf::internal::WireFormatLite;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const std::uint8_t*>(body.data()),
                                           static_cast<int>(body.size()));
  std::optional<std::string> message;
  while (const std::uint32_t tag = in.ReadTag()) {
    if (WireFormatLite::GetTagFieldNumber(tag) == 2 &&
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      std::string text;
      if (!WireFormatLite::ReadString(&in, &text)) return std::nullopt;
      message = std::move(text);
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return std::nullopt;
    }
  }
  if (!in.ConsumedEntireMessage()) return std::nullopt;
  return message;
}

// What an operator should see of an error body: the Status message when the
// body is one, else the start of the text with control bytes escaped.
std::string body_excerpt(std::string_view body, std::string_view content_type) {
  if (body.empty()) return "empty body";
  if (content_type.find("protobuf") != std::string_view::npos) {
    if (auto message = rpc_status_message(body); message && !message->empty()) return *message;
  }
  if (content_type.find("json") != std::string_view::npos) {
    const auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_object() && parsed.contains("message") && parsed["message"].is_string()) {
      return parsed["message"].get<std::string>();
    }
  }
  std::string out;
  for (const char c : body.substr(0, kExcerptBytes)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == '\n' || byte == '\r' || byte == '\t') {
      out.push_back(' ');
    } else if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out.push_back(c);
    }
  }
  if (body.size() > kExcerptBytes) out += fmt::format("... ({} bytes)", body.size());
  return out;
}

struct PartialSuccess {
  std::int64_t rejected_spans = 0;
  std::string error_message;
};

std::optional<PartialSuccess> read_partial_success(std::string_view body, bool json) {
  if (body.empty()) return std::nullopt;
  if (!json) {
    opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse response;
    if (!response.ParseFromArray(body.data(), static_cast<int>(body.size())) || !response.has_partial_success()) {
      return std::nullopt;
    }
    return PartialSuccess{response.partial_success().rejected_spans(), response.partial_success().error_message()};
  }
  const auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (!parsed.is_object()) return std::nullopt;
  const auto find = [](const nlohmann::json& object, const char* camel, const char* snake) -> const nlohmann::json* {
    if (auto it = object.find(camel); it != object.end()) return &*it;
    if (auto it = object.find(snake); it != object.end()) return &*it;
    return nullptr;
  };
  const nlohmann::json* partial = find(parsed, "partialSuccess", "partial_success");
  if (partial == nullptr || !partial->is_object()) return std::nullopt;
  PartialSuccess out;
  if (const nlohmann::json* rejected = find(*partial, "rejectedSpans", "rejected_spans")) {
    // OTLP/JSON writes 64-bit integers as strings; accept numbers as well.
    if (rejected->is_number_integer()) {
      out.rejected_spans = rejected->get<std::int64_t>();
    } else if (rejected->is_string()) {
      try {
        out.rejected_spans = std::stoll(rejected->get<std::string>());
      } catch (const std::exception&) {
        out.rejected_spans = 0;
      }
    }
  }
  if (const nlohmann::json* message = find(*partial, "errorMessage", "error_message"); message && message->is_string()) {
    out.error_message = message->get<std::string>();
  }
  return out;
}

}  // namespace

struct OtlpHttpExporter::Response {
  std::string body;
  std::size_t body_bytes = 0;  // including what was not kept
  std::string retry_after;
  std::string content_type;

  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* self) {
    auto* response = static_cast<Response*>(self);
    const std::size_t n = size * count;
    response->body_bytes += n;
    if (response->body.size() < kMaxResponseBytes) {
      response->body.append(data, std::min(n, kMaxResponseBytes - response->body.size()));
    }
    return n;
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* self) {
    auto* response = static_cast<Response*>(self);
    const std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {  // a new response (after a 100 Continue, say): forget the last one's
      response->retry_after.clear();
      response->content_type.clear();
    } else if (iequals_prefix(line, "retry-after:")) {
      response->retry_after = std::string(trim(line.substr(12)));
    } else if (iequals_prefix(line, "content-type:")) {
      response->content_type = std::string(trim(line.substr(13)));
      std::transform(response->content_type.begin(), response->content_type.end(), response->content_type.begin(),
                     [](unsigned char c) { return std::tolower(c); });
    }
    return size * count;
  }
};

OtlpHttpExporter::OtlpHttpExporter(OtlpExporterOptions options, RetryEnvironment environment,
                                   InstrumentationScope scope)
    : options_(std::move(options)), scope_(std::move(scope)), environment_(with_defaults(std::move(environment))) {
  initialise_curl_once();
  curl_ = curl_easy_init();
  if (curl_ == nullptr) return;  // reported by each export as a permanent failure

  const bool json = options_.protocol == OtlpProtocol::HttpJson;
  headers_ = curl_slist_append(headers_, json ? "Content-Type: application/json" : "Content-Type: application/x-protobuf");
  if (options_.compression == OtlpCompression::Gzip) headers_ = curl_slist_append(headers_, "Content-Encoding: gzip");
  headers_ = curl_slist_append(headers_, "Expect:");  // no 100-continue round trip before large bodies
  for (const auto& [key, value] : options_.headers) {
    headers_ = curl_slist_append(headers_, (key + ": " + value).c_str());
  }

  curl_easy_setopt(curl_, CURLOPT_URL, options_.endpoint.c_str());
  curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
  curl_easy_setopt(curl_, CURLOPT_POST, 1L);
  curl_easy_setopt(curl_, CURLOPT_USERAGENT, (std::string("pipetrace/") + pipetrace_version()).c_str());
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);  // we export from a background thread
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &Response::on_body);
  curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, &Response::on_header);
  if (!options_.certificate_file.empty()) curl_easy_setopt(curl_, CURLOPT_CAINFO, options_.certificate_file.c_str());
  if (!options_.client_certificate_file.empty()) {
    curl_easy_setopt(curl_, CURLOPT_SSLCERT, options_.client_certificate_file.c_str());
    curl_easy_setopt(curl_, CURLOPT_SSLKEY, options_.client_key_file.c_str());
  }
  if (options_.tls_skip_verify) {
    curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYHOST, 0L);
  }
}

OtlpHttpExporter::~OtlpHttpExporter() {
  if (curl_ != nullptr) curl_easy_cleanup(curl_);
  curl_slist_free_all(headers_);
}

std::string OtlpHttpExporter::describe() const {
  return fmt::format("OTLP/HTTP ({}) {}", to_string(options_.protocol), options_.endpoint);
}

ExportResult OtlpHttpExporter::export_spans(std::span<const SpanBatch> batches) {
  const std::size_t span_count = count_spans(batches);
  if (span_count == 0) return ExportResult{};
  std::lock_guard lock(mutex_);
  if (curl_ == nullptr) {
    return ExportResult{ExportStatus::PermanentFailure, "libcurl could not create a handle", 0, 0};
  }
  std::string body = options_.protocol == OtlpProtocol::HttpJson ? encode_otlp_json(batches, scope_)
                                                                  : encode_otlp_proto(batches, scope_);
  if (options_.compression == OtlpCompression::Gzip) body = gzip_compress(body);
  const std::string what = fmt::format("OTLP/HTTP export of {} spans to {}", span_count, options_.endpoint);
  return run_with_retries(options_.retry, environment_, what, [&] { return post_once(body, span_count); });
}

AttemptOutcome OtlpHttpExporter::post_once(const std::string& body, std::size_t span_count) {
  Response response;
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &response);
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, error_buffer);
  const CURLcode code = curl_easy_perform(curl_);
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, nullptr);

  AttemptOutcome outcome;
  if (code != CURLE_OK) {
    const std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
    outcome.message = fmt::format("cannot reach {}: {}", options_.endpoint, detail);
    if (is_transient(code)) {
      outcome.status = ExportStatus::RetryableFailure;
    } else {
      outcome.status = ExportStatus::PermanentFailure;
      spdlog::error("OTLP/HTTP export of {} spans failed and will not be retried: {}", span_count, outcome.message);
    }
    return outcome;
  }

  long status = 0;
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) {
    const bool json_reply = response.content_type.find("json") != std::string::npos ||
                            (response.content_type.empty() && options_.protocol == OtlpProtocol::HttpJson);
    if (auto partial = read_partial_success(response.body, json_reply)) {
      outcome.rejected_spans = partial->rejected_spans;
      if (partial->rejected_spans > 0 || !partial->error_message.empty()) {
        spdlog::warn("OTLP/HTTP collector at {} accepted the export but rejected {} of {} spans: {}",
                     options_.endpoint, partial->rejected_spans, span_count,
                     partial->error_message.empty() ? "no reason given" : partial->error_message);
      }
    }
    return outcome;
  }

  const std::string excerpt = body_excerpt(response.body, response.content_type);
  outcome.message = fmt::format("HTTP {} from {}: {}", status, options_.endpoint, excerpt);
  if (is_retryable_status(status)) {
    outcome.status = ExportStatus::RetryableFailure;
    if (!response.retry_after.empty()) outcome.retry_after = parse_retry_after(response.retry_after, environment_.now());
    return outcome;
  }
  outcome.status = ExportStatus::PermanentFailure;
  spdlog::error("OTLP/HTTP collector at {} refused {} spans with HTTP {} ({}); they are dropped, not retried",
                options_.endpoint, span_count, status, excerpt);
  return outcome;
}

}  // namespace pipetrace
