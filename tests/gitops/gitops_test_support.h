// Shared by the gitops tests: reading the webhook fixtures and our release
// note bodies, editing a real payload into the PR a test needs, and running
// it through the same extractor serve uses.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "extract/webhook_extractor.h"
#include "model/time.h"
#include "sinks/span_sink.h"

namespace pipetrace::testing {

inline std::string read_text(const std::string& relative) {
  std::ifstream in(std::string(PIPETRACE_TESTDATA) + "/" + relative, std::ios::binary);
  EXPECT_TRUE(in) << "missing test data " << relative;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline nlohmann::json fixture(const std::string& relative) { return nlohmann::json::parse(read_text(relative)); }

inline TimeNs at(const char* rfc3339) { return parse_time(rfc3339).value(); }

// The provider's raw payload through the webhook extractor, as /hooks/<provider> does.
inline WebhookRecord extract(const std::string& provider, const nlohmann::json& payload, const std::string& guid,
                             const std::string& event_header = {}) {
  KeyValues headers;
  if (provider == "github") {
    headers.emplace_back("X-GitHub-Delivery", guid);
    if (!event_header.empty()) headers.emplace_back("X-GitHub-Event", event_header);
  } else {
    headers.emplace_back("X-Gitlab-Event-UUID", guid);
    if (!event_header.empty()) headers.emplace_back("X-Gitlab-Event", event_header);
  }
  ExtractResult result = extract_webhook(provider, headers, payload.dump());
  EXPECT_TRUE(result.record.has_value()) << result.message;
  if (!result.record) return {};
  auto* record = std::get_if<WebhookRecord>(&*result.record);
  EXPECT_NE(record, nullptr);
  return record ? *record : WebhookRecord{};
}

// A GitHub pull_request delivery: octokit's real payload for `action`, moved
// to the repository, number, body and times the test needs.
inline nlohmann::json github_pr_payload(const std::string& action, const std::string& repo, int number,
                                        const std::string& body, const char* created, const char* updated,
                                        bool merged = false) {
  nlohmann::json p = fixture(action == "closed" ? "fixtures/github/octokit-pull_request.closed.3.json"
                             : action == "edited" ? "fixtures/github/octokit-pull_request.opened.json"
                                                  : "fixtures/github/octokit-pull_request.opened.json");
  p["action"] = action;
  p["number"] = number;
  p["repository"]["full_name"] = repo;
  p["repository"]["html_url"] = "https://github.com/" + repo;
  auto& pr = p["pull_request"];
  pr["number"] = number;
  pr["html_url"] = "https://github.com/" + repo + "/pull/" + std::to_string(number);
  pr["body"] = body.empty() ? nlohmann::json(nullptr) : nlohmann::json(body);
  pr["created_at"] = created;
  pr["updated_at"] = updated;
  pr["merged"] = merged;
  pr["merged_at"] = merged ? nlohmann::json(updated) : nlohmann::json(nullptr);
  if (action == "closed") pr["state"] = "closed";
  return p;
}

// Keeps every span it is given.
class CollectingSink final : public SpanSink {
 public:
  void consume(const SpanBatch& batch) override { spans.insert(spans.end(), batch.spans.begin(), batch.spans.end()); }
  const Span* find(std::string_view name) const {
    for (const Span& s : spans) {
      if (s.name == name) return &s;
    }
    return nullptr;
  }
  std::vector<Span> spans;
};

}  // namespace pipetrace::testing
