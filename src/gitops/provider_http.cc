// See provider_http.h.
#include "gitops/provider_http.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <memory>
#include <thread>

#include "model/time.h"
#include "sinks/instrumentation_scope.h"

namespace pipetrace::gitops {
namespace {

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<HttpResponse*>(user)->body.append(data, size * count);
  return size * count;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  std::string_view line(data, size * count);
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
    static_cast<HttpResponse*>(user)->headers[name] = std::string(value);
  } else if (line.starts_with("HTTP/")) {
    static_cast<HttpResponse*>(user)->headers.clear();  // a new response (after a redirect or 100)
  }
  return size * count;
}

// A short excerpt of an error body for a log line.
std::string excerpt(const std::string& body) {
  std::string out;
  for (char c : body.substr(0, 200)) out += (c >= 0x20 && c < 0x7f) ? c : ' ';
  return out;
}

}  // namespace

ProviderHttp::Sleep real_sleep() {
  return [](std::chrono::nanoseconds d) { std::this_thread::sleep_for(d); };
}

ProviderHttp::ProviderHttp(std::string name, ProviderHttpOptions options, const Clock& clock, Sleep sleep)
    : name_(std::move(name)), options_(options), clock_(clock), sleep_(std::move(sleep)) {}

bool ProviderHttp::wait_until(TimeNs until) {
  TimeNs wait = until - clock_.now();
  if (wait <= 0) return true;
  if (wait > std::chrono::duration_cast<std::chrono::nanoseconds>(options_.max_wait).count()) return false;
  ++waits_;
  spdlog::info("gitops: {} API rate limit: waiting {:.1f}s before the next request", name_, wait / 1e9);
  sleep_(std::chrono::nanoseconds(wait));
  return true;
}

HttpResponse ProviderHttp::send(const std::string& method, const std::string& url,
                                const std::vector<std::string>& headers, const std::string& body) {
  std::lock_guard lock(mutex_);
  if (!wait_until(held_until_)) {
    HttpResponse held;
    held.error = fmt::format("{} API rate limit is spent until {}; {} {} not sent", name_, format_time(held_until_),
                             method, url);
    return held;
  }
  HttpResponse response;
  for (int attempt = 0; attempt < 2; ++attempt) {
    response = perform(method, url, headers, body);
    RateLimitVerdict verdict = read_rate_limit(response.status, response.headers, clock_.now());
    if (verdict.exhausted) held_until_ = verdict.reset_at;
    if (!verdict.refused) break;
    response.error = fmt::format("{} API refused {} {} for its rate limit (HTTP {}) until {}", name_, method, url,
                                 response.status, format_time(verdict.retry_at));
    if (attempt == 1 || !wait_until(verdict.retry_at)) {
      held_until_ = std::max(held_until_, verdict.retry_at);
      break;
    }
  }
  return response;
}

HttpResponse ProviderHttp::perform(const std::string& method, const std::string& url,
                                   const std::vector<std::string>& headers, const std::string& body) {
  HttpResponse response;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) {
    response.error = "cannot start an HTTP request (libcurl)";
    return response;
  }
  curl_slist* list = nullptr;
  for (const std::string& header : headers) list = curl_slist_append(list, header.c_str());
  list = curl_slist_append(list, "Accept: application/json");
  if (!body.empty()) list = curl_slist_append(list, "Content-Type: application/json");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(list, &curl_slist_free_all);
  char error_buffer[CURL_ERROR_SIZE] = {0};
  const std::string agent = std::string("pipetrace/") + pipetrace_version();

  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(h, CURLOPT_USERAGENT, agent.c_str());  // GitHub refuses requests without one
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &response);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  if (!body.empty()) {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) {
    response.error = fmt::format("{} {} failed: {}", method, url, error_buffer[0] ? error_buffer : curl_easy_strerror(code));
    return response;
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  // libcurl calls a 4xx or 5xx answer a success: the status decides.
  if (status < 200 || status >= 300) {
    response.error = fmt::format("{} {} answered HTTP {}: {}", method, url, status, excerpt(response.body));
  }
  return response;
}

}  // namespace pipetrace::gitops
