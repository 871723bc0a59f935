// Small readers for the providers' REST answers (nlohmann::json): absent or
// null fields read as empty, numeric IDs as their decimal text. Shared by the
// GitHub and GitLab clients.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "gitops/provider_http.h"
#include "model/time.h"

namespace pipetrace::gitops::rest_json {

inline std::string text(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  return {};
}

inline std::string text(const nlohmann::json& object, const char* outer, const char* key) {
  auto it = object.find(outer);
  if (it == object.end() || !it->is_object()) return {};
  return text(*it, key);
}

inline TimeNs time(const nlohmann::json& object, const char* key) { return parse_time(text(object, key)).value_or(0); }

// A JSON answer, or the error that kept it away (`what` names the request).
inline nlohmann::json parse_answer(const HttpResponse& response, const std::string& what, std::string& error) {
  if (!response.ok()) {
    error = what + ": " + response.error;
    return {};
  }
  nlohmann::json parsed = nlohmann::json::parse(response.body, nullptr, false);
  if (parsed.is_discarded()) error = what + ": the answer is not JSON";
  return parsed;
}

// An API base URL without trailing slashes, so paths can be appended.
inline std::string without_trailing_slashes(std::string url) {
  while (url.ends_with('/')) url.pop_back();
  return url;
}

// {"body": text} for a comment.
inline std::string body_json(const std::string& body) { return nlohmann::json{{"body", body}}.dump(); }

}  // namespace pipetrace::gitops::rest_json
