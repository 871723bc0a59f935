// The admission.k8s.io AdmissionReview envelope: reading a request leniently
// (any field may be missing or of the wrong type) and writing the response,
// which always allows and carries the JSONPatch base64-encoded when there is one.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace pipetrace::admission {

struct AdmissionRequest {
  std::string api_version = "admission.k8s.io/v1";  // echoed back; v1beta1 reviews get a v1beta1 answer
  std::string uid;          // request.uid; the answer must carry it back
  std::string group;        // request.kind.group ("" for core)
  std::string kind;         // request.kind.kind ("Pod")
  std::string sub_resource; // request.subResource ("" for the object itself)
  std::string operation;    // CREATE | UPDATE | DELETE | CONNECT
  std::string ns;           // request.namespace
  std::string name;         // request.name (empty for generateName pods)
  bool dry_run = false;
  nlohmann::json object;    // request.object; null when absent
};

struct ReviewReading {
  bool ok = false;
  AdmissionRequest request;  // as much as could be read, even when !ok (uid for the answer)
  std::string error;         // why the review cannot be used
};

ReviewReading read_admission_review(std::string_view body);

// `patch`: a JSON array of operations; empty or null for no change.
std::string admission_response(const AdmissionRequest& request, const nlohmann::json& patch);

}  // namespace pipetrace::admission
