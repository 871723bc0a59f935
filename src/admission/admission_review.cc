// AdmissionReview reading and answering (see admission_review.h).
#include "admission/admission_review.h"

#include "model/base64.h"

namespace pipetrace::admission {
namespace {

std::string string_at(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

ReviewReading read_admission_review(std::string_view body) {
  ReviewReading r;
  nlohmann::json review = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (review.is_discarded()) {
    r.error = "the body is not JSON";
    return r;
  }
  if (!review.is_object()) {
    r.error = "the body is not a JSON object";
    return r;
  }
  std::string api_version = string_at(review, "apiVersion");
  if (api_version.starts_with("admission.k8s.io/")) r.request.api_version = api_version;
  auto request = review.find("request");
  if (request == review.end() || !request->is_object()) {
    r.error = "the AdmissionReview has no request";
    return r;
  }
  AdmissionRequest& q = r.request;
  q.uid = string_at(*request, "uid");
  auto kind = request->find("kind");
  if (kind != request->end()) {
    q.group = string_at(*kind, "group");
    q.kind = string_at(*kind, "kind");
  }
  q.sub_resource = string_at(*request, "subResource");
  q.operation = string_at(*request, "operation");
  q.ns = string_at(*request, "namespace");
  q.name = string_at(*request, "name");
  auto dry = request->find("dryRun");
  q.dry_run = dry != request->end() && dry->is_boolean() && dry->get<bool>();
  auto object = request->find("object");
  if (object != request->end()) q.object = *object;
  if (q.uid.empty()) {
    r.error = "the AdmissionReview request has no uid";
    return r;
  }
  r.ok = true;
  return r;
}

std::string admission_response(const AdmissionRequest& request, const nlohmann::json& patch) {
  nlohmann::json response = {{"uid", request.uid}, {"allowed", true}};
  if (patch.is_array() && !patch.empty()) {
    response["patchType"] = "JSONPatch";
    response["patch"] = base64_encode(patch.dump());
  }
  nlohmann::json review = {{"apiVersion", request.api_version}, {"kind", "AdmissionReview"}, {"response", response}};
  return review.dump();
}

}  // namespace pipetrace::admission
