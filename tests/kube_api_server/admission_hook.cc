// See admission_hook.h.
#include "admission_hook.h"

#include <httplib.h>
#include <openssl/evp.h>

#include <atomic>

namespace pipetrace::testing {
namespace {

std::string base64_decode(const std::string& text) {
  std::string out(3 * (text.size() / 4) + 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return {};
  std::size_t size = static_cast<std::size_t>(n);
  // EVP_DecodeBlock counts the padding as data.
  for (std::size_t i = text.size(); i > 0 && text[i - 1] == '=' && size > 0; --i) --size;
  out.resize(size);
  return out;
}

}  // namespace

AdmissionOutcome admit_pod(const AdmissionWebhookTarget& target, const Json& pod, const std::string& ns) {
  static std::atomic<int> counter{0};
  AdmissionOutcome outcome;
  outcome.object = pod;
  // https://host:port/path
  const std::string scheme = "https://";
  if (!target.url.starts_with(scheme)) {
    outcome.error = "the webhook URL is not https: " + target.url;
    return outcome;
  }
  std::string rest = target.url.substr(scheme.size());
  std::size_t slash = rest.find('/');
  std::string host_port = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "/" : rest.substr(slash);
  std::size_t colon = host_port.rfind(':');
  std::string host = host_port.substr(0, colon);
  int port = colon == std::string::npos ? 443 : std::stoi(host_port.substr(colon + 1));

  Json metadata = pod.value("metadata", Json::object());
  Json review = {{"apiVersion", "admission.k8s.io/v1"},
                 {"kind", "AdmissionReview"},
                 {"request",
                  {{"uid", "test-admission-" + std::to_string(++counter)},
                   {"kind", {{"group", ""}, {"version", "v1"}, {"kind", "Pod"}}},
                   {"resource", {{"group", ""}, {"version", "v1"}, {"resource", "pods"}}},
                   {"requestKind", {{"group", ""}, {"version", "v1"}, {"kind", "Pod"}}},
                   {"name", metadata.value("name", "")},
                   {"namespace", ns},
                   {"operation", "CREATE"},
                   {"userInfo", {{"username", "kubernetes-admin"}}},
                   {"object", pod},
                   {"oldObject", nullptr},
                   {"dryRun", false},
                   {"options", {{"apiVersion", "meta.k8s.io/v1"}, {"kind", "CreateOptions"}}}}}};
  std::string uid = review["request"]["uid"];

  httplib::SSLClient client(host, port);
  client.set_ca_cert_path(target.ca_file.c_str());
  client.enable_server_certificate_verification(true);
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(target.timeout).count();
  client.set_connection_timeout(static_cast<time_t>(seconds), 0);
  client.set_read_timeout(static_cast<time_t>(seconds), 0);
  outcome.called = true;
  auto res = client.Post(path.c_str(), review.dump(), "application/json");
  if (!res) {
    outcome.error = "calling " + target.url + " failed: " + httplib::to_string(res.error());
    return outcome;
  }
  if (res->status != 200) {
    outcome.error = "the webhook answered HTTP " + std::to_string(res->status);
    return outcome;
  }
  Json answer = Json::parse(res->body, nullptr, false);
  if (!answer.is_object() || !answer.contains("response") || !answer["response"].is_object()) {
    outcome.error = "the webhook's answer is not an AdmissionReview";
    return outcome;
  }
  const Json& response = answer["response"];
  if (response.value("uid", "") != uid) {
    outcome.error = "the webhook answered for another request uid";
    return outcome;
  }
  if (!response.value("allowed", false)) {
    outcome.error = "the webhook denied the pod";
    return outcome;
  }
  if (!response.contains("patch")) return outcome;
  if (response.value("patchType", "") != "JSONPatch") {
    outcome.error = "unknown patchType";
    return outcome;
  }
  Json patch = Json::parse(base64_decode(response["patch"].get<std::string>()), nullptr, false);
  if (!patch.is_array()) {
    outcome.error = "the patch is not a JSON array";
    return outcome;
  }
  try {
    outcome.object = pod.patch(patch);
    outcome.patched = true;
  } catch (const std::exception& e) {
    outcome.error = std::string("the patch does not apply: ") + e.what();
    outcome.object = pod;
  }
  return outcome;
}

}  // namespace pipetrace::testing
