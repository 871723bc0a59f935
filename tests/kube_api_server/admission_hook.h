// A mutating admission webhook call, as the API server makes one: on pod
// creation the test server can send the pod in an admission.k8s.io/v1
// AdmissionReview to a configured HTTPS URL (trusting a given CA) and apply
// the JSONPatch it answers. Any failure keeps the pod as it was, as
// failurePolicy Ignore does.
#pragma once

#include <chrono>
#include <string>

#include "object_files.h"

namespace pipetrace::testing {

struct AdmissionWebhookTarget {
  std::string url;      // https://127.0.0.1:8443/admission/pods; empty: no webhook
  std::string ca_file;  // the CA the webhook's certificate is checked against
  std::chrono::milliseconds timeout{10000};
};

struct AdmissionOutcome {
  Json object;        // the pod to store: patched, or as sent
  bool called = false;
  bool patched = false;
  std::string error;  // why the webhook's answer was not applied ("" when it was, or had no patch)
};

AdmissionOutcome admit_pod(const AdmissionWebhookTarget& target, const Json& pod, const std::string& ns);

}  // namespace pipetrace::testing
