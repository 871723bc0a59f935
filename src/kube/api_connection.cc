// libcurl transfers to the API server (see api_connection.h).
#include "kube/api_connection.h"

#include <curl/curl.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <mutex>

namespace pipetrace::kube {
namespace {

// A single watch event or list body larger than this is refused rather than
// growing without bound (real objects are well under the API server's own
// 3 MiB etcd limit; lists are paginated).
constexpr std::size_t kMaxLineBytes = 64u << 20;
constexpr std::size_t kMaxBodyBytes = 512u << 20;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

CURL* easy(void* p) { return static_cast<CURL*>(p); }
CURLM* multi(void* p) { return static_cast<CURLM*>(p); }

std::string shorten(std::string_view text, std::size_t max = 300) {
  std::string s(text.substr(0, max));
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  if (text.size() > max) s += "...";
  return s;
}

}  // namespace

std::string ApiResponse::status_message() const {
  if (body.empty()) return {};
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_object() && parsed.value("kind", "") == "Status" && parsed.contains("message") &&
      parsed["message"].is_string())
    return parsed["message"].get<std::string>();
  return shorten(body);
}

struct ApiConnection::Transfer {
  CURL* handle = nullptr;
  const LineHandler* on_line = nullptr;  // null: collect the whole body
  std::string content_type_header;       // "Content-Type: ..." when a body is sent
  std::string pending;                   // bytes of a line not yet complete
  std::string body;
  long status = 0;
  bool aborted = false;
  bool ended_by_handler = false;
  std::string abort_reason;
  char errbuf[CURL_ERROR_SIZE] = {};

  static size_t on_data(char* data, size_t size, size_t count, void* self_ptr) {
    auto* self = static_cast<Transfer*>(self_ptr);
    std::size_t n = size * count;
    if (self->status == 0) curl_easy_getinfo(self->handle, CURLINFO_RESPONSE_CODE, &self->status);
    bool success = self->status >= 200 && self->status < 300;
    if (!self->on_line || !success) {
      if (self->body.size() + n > kMaxBodyBytes) return self->abort("the response body exceeds 512 MiB");
      self->body.append(data, n);
      return n;
    }
    std::string_view chunk(data, n);
    while (!chunk.empty()) {
      auto newline = chunk.find('\n');
      if (newline == std::string_view::npos) {
        if (self->pending.size() + chunk.size() > kMaxLineBytes) return self->abort("a watch event exceeds 64 MiB");
        self->pending.append(chunk);
        break;
      }
      std::string_view line = chunk.substr(0, newline);
      chunk.remove_prefix(newline + 1);
      if (!self->pending.empty()) {
        self->pending.append(line);
        if (!self->deliver(self->pending)) return 0;
        self->pending.clear();
      } else if (!self->deliver(line)) {
        return 0;
      }
    }
    return n;
  }

  bool deliver(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) return true;
    try {
      if ((*on_line)(line)) return true;
      ended_by_handler = true;
      return false;
    } catch (const std::exception& e) {
      abort("the event handler failed: " + std::string(e.what()));
      return false;
    }
  }

  size_t abort(std::string reason) {
    aborted = true;
    abort_reason = std::move(reason);
    return 0;
  }
};

ApiConnection::ApiConnection(const KubeConfig& config, std::shared_ptr<BearerToken> token, StopSignal* stop)
    : config_(config), token_(std::move(token)), stop_(stop) {
  global_init();
  if (!token_) token_ = std::make_shared<BearerToken>(config_.token, config_.token_file);
  easy_ = curl_easy_init();
  multi_ = curl_multi_init();
  if (stop_) {
    void* m = multi_;
    waker_id_ = stop_->add_waker([m] { curl_multi_wakeup(multi(m)); });
  }
}

ApiConnection::~ApiConnection() {
  if (stop_) stop_->remove_waker(waker_id_);
  curl_multi_cleanup(multi(multi_));
  curl_easy_cleanup(easy(easy_));
}

ApiResponse ApiConnection::request(std::string_view method, const std::string& path, std::string_view body,
                                   std::string_view content_type, std::chrono::milliseconds timeout) {
  Transfer transfer;
  CURL* h = easy(easy_);
  curl_easy_reset(h);
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, std::string(method).c_str());
  if (!content_type.empty()) {
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, std::string(body).c_str());
  }
  transfer.handle = h;
  if (!content_type.empty()) transfer.content_type_header = "Content-Type: " + std::string(content_type);
  curl_easy_setopt(h, CURLOPT_URL, (config_.server + path).c_str());
  return perform(transfer, timeout);
}

ApiResponse ApiConnection::stream_lines(const std::string& path, std::chrono::milliseconds timeout,
                                        const LineHandler& on_line) {
  Transfer transfer;
  CURL* h = easy(easy_);
  curl_easy_reset(h);
  transfer.handle = h;
  transfer.on_line = &on_line;
  curl_easy_setopt(h, CURLOPT_URL, (config_.server + path).c_str());
  return perform(transfer, timeout);
}

ApiResponse ApiConnection::perform(Transfer& transfer, std::chrono::milliseconds timeout) {
  ApiResponse response;
  if (stop_ && stop_->stop_requested()) {
    response.cancelled = true;
    return response;
  }
  CURL* h = transfer.handle;

  struct curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Accept: application/json");
  std::string auth;
  if (std::string token = token_->current(); !token.empty()) {
    auth = "Authorization: Bearer " + token;
    headers = curl_slist_append(headers, auth.c_str());
  }
  if (!transfer.content_type_header.empty())
    headers = curl_slist_append(headers, transfer.content_type_header.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "pipetrace");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  // Large lists come gzipped from API servers that compress responses.
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, transfer.errbuf);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Transfer::on_data);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  if (config_.insecure_skip_tls_verify) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  } else if (!config_.ca_pem.empty()) {
    curl_blob blob{const_cast<char*>(config_.ca_pem.data()), config_.ca_pem.size(), CURL_BLOB_COPY};
    curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
  } else if (!config_.ca_file.empty()) {
    curl_easy_setopt(h, CURLOPT_CAINFO, config_.ca_file.c_str());
  }
  if (!config_.client_cert_pem.empty()) {
    curl_blob blob{const_cast<char*>(config_.client_cert_pem.data()), config_.client_cert_pem.size(), CURL_BLOB_COPY};
    curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &blob);
    curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
  } else if (!config_.client_cert_file.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLCERT, config_.client_cert_file.c_str());
    curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
  }
  if (!config_.client_key_pem.empty()) {
    curl_blob blob{const_cast<char*>(config_.client_key_pem.data()), config_.client_key_pem.size(), CURL_BLOB_COPY};
    curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &blob);
    curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
  } else if (!config_.client_key_file.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLKEY, config_.client_key_file.c_str());
    curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
  }

  CURLM* m = multi(multi_);
  curl_multi_add_handle(m, h);
  CURLcode result = CURLE_OK;
  bool finished = false;
  while (true) {
    int running = 0;
    if (curl_multi_perform(m, &running) != CURLM_OK) break;
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(m, &queued)) {
      if (msg->msg == CURLMSG_DONE) {
        result = msg->data.result;
        finished = true;
      }
    }
    if (finished || running == 0) break;
    if (stop_ && stop_->stop_requested()) {
      response.cancelled = true;
      break;
    }
    curl_multi_poll(m, nullptr, 0, 1000, nullptr);
  }
  curl_multi_remove_handle(m, h);
  curl_slist_free_all(headers);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);

  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  response.body = std::move(transfer.body);
  if (response.cancelled) return response;
  if (!finished && result == CURLE_OK) result = CURLE_RECV_ERROR;
  if (transfer.ended_by_handler) result = CURLE_OK;
  if (result != CURLE_OK) {
    response.transport_code = static_cast<int>(result);
    if (transfer.aborted) {
      response.transport_error = transfer.abort_reason;
    } else {
      response.transport_error = curl_easy_strerror(result);
      if (transfer.errbuf[0]) response.transport_error += std::string(": ") + transfer.errbuf;
    }
  }
  if (response.status == 401) token_->invalidate();
  return response;
}

std::string ApiConnection::describe_failure(const ApiResponse& r, std::string_view what) const {
  std::string prefix = std::string(what) + ": ";
  const std::string& server = config_.server;
  if (r.cancelled) return prefix + "stopped";
  if (r.transport_code != 0) {
    switch (static_cast<CURLcode>(r.transport_code)) {
      case CURLE_COULDNT_CONNECT:
      case CURLE_COULDNT_RESOLVE_HOST:
        return prefix + "cannot reach the API server at " + server + " (" + r.transport_error + ")";
      case CURLE_PEER_FAILED_VERIFICATION:
        return prefix + "the API server at " + server + " presented a TLS certificate that " +
               config_.trust_description() + " does not vouch for (" + r.transport_error +
               "); check the certificate authority in " + config_.source;
      case CURLE_SSL_CACERT_BADFILE:
        return prefix + "cannot load " + config_.trust_description() + " (" + r.transport_error + ")";
      case CURLE_SSL_CERTPROBLEM:
        return prefix + "the client certificate or key of " + config_.source + " cannot be used (" +
               r.transport_error + ")";
      case CURLE_OPERATION_TIMEDOUT:
        return prefix + "the API server at " + server + " did not answer in time (" + r.transport_error + ")";
      case CURLE_SSL_CONNECT_ERROR:
        return prefix + "the TLS handshake with " + server + " failed (" + r.transport_error + ")";
      default:
        return prefix + "the connection to " + server + " failed (" + r.transport_error + ")";
    }
  }
  std::string message = r.status_message();
  std::string detail = message.empty() ? std::string() : ": " + message;
  switch (r.status) {
    case 401:
      return prefix + "the API server at " + server + " rejected " + config_.credential_description() +
             " (401 Unauthorized" + detail + ")";
    case 403:
      return prefix + config_.credential_description() + " is not allowed to do this (403 Forbidden" + detail + ")";
    case 404:
      return prefix + "not found (404" + detail + ")";
    case 410:
      return prefix + "the resource version is too old (410 Gone" + detail + ")";
    default:
      return prefix + "the API server answered HTTP " + std::to_string(r.status) + detail;
  }
}

}  // namespace pipetrace::kube
