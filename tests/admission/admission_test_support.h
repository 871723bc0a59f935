// Shared pieces of the admission tests: fixture objects as JSON, task pods
// turned back into what the API server holds at admission time, the
// TaskRun Tekton held for a pod (rebuilt from the pod and its PipelineRun's
// embedded status.taskRuns entry), AdmissionReview wrapping, patch
// application, and the real replay (RecordingReader + Tracer) whose step
// spans the injected contexts must equal.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "admission/admission_review.h"
#include "admission/trace_lookup.h"
#include "link/tracer.h"
#include "model/clock.h"
#include "model/ids.h"
#include "sources/recording_reader.h"
#include "sources/yaml_to_json.h"

namespace pipetrace::admission_test {

using Json = nlohmann::json;

inline constexpr const char* kCluster = "test-cluster";

inline std::string fixture(const std::string& relative) {
  return std::string(PIPETRACE_TESTDATA) + "/fixtures/" + relative;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every object of a YAML or JSON fixture file, Lists flattened.
inline std::vector<Json> load_objects(const std::string& relative) {
  std::vector<Json> out;
  YamlConversion converted = yaml_to_json(read_text(fixture(relative)));
  EXPECT_EQ(converted.error, "") << relative;
  for (const std::string& doc : converted.documents) {
    Json j = Json::parse(doc, nullptr, false);
    if (j.is_object() && j.contains("items") && j["items"].is_array()) {
      for (const Json& item : j["items"]) out.push_back(item);
    } else if (j.is_object()) {
      out.push_back(j);
    }
  }
  return out;
}

inline std::vector<Json> objects_of_kind(const std::vector<Json>& objects, const std::string& kind) {
  std::vector<Json> out;
  for (const Json& o : objects) {
    if (o.value("kind", "") == kind) out.push_back(o);
  }
  return out;
}

// The pod as a mutating webhook sees it: no uid, no status, no server-set
// metadata; with `generate_name`, no name either (as a controller using
// metadata.generateName sends it).
inline Json admission_time_pod(Json pod, bool generate_name = false) {
  Json& meta = pod["metadata"];
  for (const char* key : {"uid", "resourceVersion", "creationTimestamp", "selfLink", "managedFields", "generation"})
    meta.erase(key);
  pod.erase("status");
  if (generate_name) {
    std::string name = meta.value("name", "");
    meta.erase("name");
    meta["generateName"] = name.substr(0, name.rfind('-') + 1);
  }
  return pod;
}

inline Json review_for(const Json& object, const std::string& ns, const std::string& uid = "review-1",
                       const std::string& operation = "CREATE") {
  return {{"apiVersion", "admission.k8s.io/v1"},
          {"kind", "AdmissionReview"},
          {"request",
           {{"uid", uid},
            {"kind", {{"group", ""}, {"version", "v1"}, {"kind", "Pod"}}},
            {"resource", {{"group", ""}, {"version", "v1"}, {"resource", "pods"}}},
            {"namespace", ns},
            {"operation", operation},
            {"userInfo", {{"username", "system:serviceaccount:tekton-pipelines:tekton-pipelines-controller"}}},
            {"object", object},
            {"dryRun", false}}}};
}

// The answer's response object, and its JSONPatch decoded (empty when none).
struct Answer {
  Json response;
  Json patch = Json::array();
};

inline std::string base64_decode(const std::string& text) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int value = 0, bits = -8;
  for (char c : text) {
    auto pos = alphabet.find(c);
    if (pos == std::string::npos) break;  // '=' padding
    value = (value << 6) + static_cast<int>(pos);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((value >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

inline Answer parse_answer(const std::string& text) {
  Answer a;
  Json review = Json::parse(text, nullptr, false);
  EXPECT_TRUE(review.is_object()) << text;
  if (!review.is_object()) return a;
  EXPECT_EQ(review.value("kind", ""), "AdmissionReview");
  a.response = review.value("response", Json::object());
  EXPECT_EQ(a.response.value("allowed", false), true) << text;
  if (a.response.contains("patch")) {
    EXPECT_EQ(a.response.value("patchType", ""), "JSONPatch");
    a.patch = Json::parse(base64_decode(a.response["patch"].get<std::string>()), nullptr, false);
    EXPECT_TRUE(a.patch.is_array()) << text;
  }
  return a;
}

inline const Json* container_named(const Json& pod, const std::string& name) {
  for (const char* list : {"initContainers", "containers"}) {
    if (!pod["spec"].contains(list)) continue;
    for (const Json& c : pod["spec"][list])
      if (c.value("name", "") == name) return &c;
  }
  return nullptr;
}

// The value of an env var of a container; nullopt when absent.
inline std::optional<std::string> env_of(const Json& container, const std::string& name) {
  if (!container.contains("env") || !container["env"].is_array()) return std::nullopt;
  for (const Json& e : container["env"])
    if (e.value("name", "") == name) return e.value("value", "");
  return std::nullopt;
}

inline std::vector<std::string> step_container_names(const Json& pod) {
  std::vector<std::string> out;
  for (const char* list : {"initContainers", "containers"}) {
    if (!pod["spec"].contains(list)) continue;
    for (const Json& c : pod["spec"][list]) {
      std::string name = c.value("name", "");
      if (name.starts_with("step-")) out.push_back(name);
    }
  }
  return out;
}

// What Tekton held in the cluster for a pod: the TaskRun named by its owner
// reference (uid included), with the pod's tekton.dev labels, owned by its
// PipelineRun, and the status the PipelineRun embeds for it (v1alpha1).
inline Json task_run_for(const Json& pod, const Json* pipeline_run) {
  const Json meta = pod.value("metadata", Json::object());
  Json owner = Json::object();
  for (const Json& o : meta.value("ownerReferences", Json::array()))
    if (o.value("kind", "") == "TaskRun") owner = o;
  Json labels = Json::object();
  const Json pod_labels = meta.value("labels", Json::object());
  for (const auto& [k, v] : pod_labels.items())
    if (k != "tekton.dev/taskRun") labels[k] = v;
  Json tr = {{"apiVersion", "tekton.dev/v1alpha1"},
             {"kind", "TaskRun"},
             {"metadata",
              {{"name", owner.value("name", "")},
               {"namespace", meta.value("namespace", "")},
               {"uid", owner.value("uid", "")},
               {"labels", labels},
               {"annotations", meta.value("annotations", Json::object())}}}};
  if (pipeline_run != nullptr) {
    const Json pr_meta = pipeline_run->value("metadata", Json::object());
    tr["metadata"]["ownerReferences"] = Json::array(
        {{{"apiVersion", "tekton.dev/v1alpha1"}, {"kind", "PipelineRun"}, {"name", pr_meta.value("name", "")},
          {"uid", pr_meta.value("uid", "")}, {"controller", true}}});
    const Json status = pipeline_run->value("status", Json::object());
    const Json embedded = status.is_object() ? status.value("taskRuns", Json::object()) : Json::object();
    std::string task_run_name = owner.value("name", "");
    if (embedded.is_object() && embedded.contains(task_run_name) && embedded[task_run_name].is_object() &&
        embedded[task_run_name].contains("status"))
      tr["status"] = embedded[task_run_name]["status"];
  }
  return tr;
}

inline const Json* pipeline_run_named(const std::vector<Json>& runs, const std::string& name) {
  for (const Json& r : runs)
    if (r["metadata"].value("name", "") == name) return &r;
  return nullptr;
}

class CollectingSink : public SpanSink {
 public:
  void consume(const SpanBatch& batch) override { spans.insert(spans.end(), batch.spans.begin(), batch.spans.end()); }
  std::vector<Span> spans;
};

// Feeds objects to a tracer through the replay reader, as `pipetrace replay` does.
inline void observe_all(Tracer& tracer, const std::vector<Json>& objects) {
  RecordingReader reader([&](const ObservedEvent& e) { tracer.observe(e); },
                         [](const ReadProblem& p) { ADD_FAILURE() << p.file << ": " << p.reason; });
  for (const Json& o : objects) reader.read_text(o.dump(), "object");
}

// The spans a replay of `objects` emits (every resource placed and flushed).
inline std::vector<Span> replay(const std::vector<Json>& objects) {
  CollectingSink sink;
  ManualClock clock(0);
  TracerOptions options;
  options.cluster = kCluster;
  options.defer_until_flush = true;
  Tracer tracer(options, sink, clock);
  observe_all(tracer, objects);
  tracer.flush();
  return sink.spans;
}

// Step spans of a replay by step name ("cicd.pipeline.task.step.name").
inline std::multimap<std::string, Span> step_spans(const std::vector<Span>& spans) {
  std::multimap<std::string, Span> out;
  for (const Span& s : spans) {
    if (!s.name.starts_with("step ")) continue;
    out.emplace(s.string_attribute("cicd.pipeline.task.step.name"), s);
  }
  return out;
}

// Checks every step container of `patched` against the replay's step spans;
// returns how many containers were checked.
inline int expect_steps_match_replay(const std::string& name, const Json& original, const Json& patched,
                              const std::vector<Span>& replayed) {
  auto steps = step_spans(replayed);
  int checked = 0;
  for (const std::string& container : step_container_names(original)) {
    std::string step = container.substr(std::string("step-").size());
    const Json* c = container_named(patched, container);
    EXPECT_NE(c, nullptr) << name << " " << container;
    if (c == nullptr) continue;
    auto traceparent = env_of(*c, "TRACEPARENT");
    EXPECT_TRUE(traceparent.has_value()) << name << " " << container << " got no TRACEPARENT";
    if (!traceparent) continue;
    TraceId trace;
    SpanId span;
    EXPECT_TRUE(parse_traceparent(*traceparent, trace, span)) << *traceparent;
    EXPECT_TRUE(traceparent->starts_with("00-") && traceparent->ends_with("-01")) << *traceparent;
    auto [first, last] = steps.equal_range(step);
    std::set<std::string> replayed_contexts;
    for (auto it = first; it != last; ++it)
      replayed_contexts.insert(format_traceparent(it->second.trace_id, it->second.span_id));
    EXPECT_EQ(replayed_contexts.size(), 1u) << name << ": replay has no single step span for " << step;
    EXPECT_TRUE(replayed_contexts.contains(*traceparent))
        << name << " " << container << ": injected " << *traceparent << ", replay emitted "
        << (replayed_contexts.empty() ? "nothing" : *replayed_contexts.begin());
    ++checked;
  }
  return checked;
}

// A live tracer (what `serve` holds at the time a pod is admitted) and the
// webhook's view of it.
class LiveTracer : public admission::TraceLookup {
 public:
  LiveTracer() : tracer_(options(), sink_, clock_) {}
  void observe(const std::vector<Json>& objects) { observe_all(tracer_, objects); }
  std::optional<Tracer::Placement> resolved(const ResourceKey& key, std::chrono::steady_clock::time_point) override {
    ++lookups;
    return tracer_.resolved_placement(key);
  }
  int lookups = 0;

 private:
  static TracerOptions options() {
    TracerOptions o;
    o.cluster = kCluster;
    return o;
  }
  CollectingSink sink_;
  ManualClock clock_{1700000000LL * 1000000000};
  Tracer tracer_;
};

}  // namespace pipetrace::admission_test
