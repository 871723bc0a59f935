// A fake of the GitHub and GitLab REST endpoints pipetrace calls, on
// 127.0.0.1 at a free port (cpp-httplib): pull/merge requests to read, and
// comments/notes to list, create and update, kept in memory. It checks the
// token, records every request, and can be told to refuse the next requests
// with a rate-limit answer (status and headers chosen by the test).
#pragma once

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pipetrace::testing {

struct FakeRequest {
  std::string method;
  std::string path;  // decoded by cpp-httplib, query excluded
  std::string credential;  // Authorization (GitHub) or PRIVATE-TOKEN (GitLab)
  std::string body;
  int answered = 0;
};

struct FakeComment {
  long long id = 0;
  std::string body;
  bool system = false;  // GitLab's own notes
};

class FakeProviderServer {
 public:
  static constexpr const char* kGitHubToken = "ghp_test_token";
  static constexpr const char* kGitLabToken = "glpat-test-token";

  FakeProviderServer() {
    server_.Get(R"(/github/repos/([^/]+/[^/]+)/pulls/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      answer(req, res, "github", [&] {
        auto it = github_prs_.find(key(req.matches[1], req.matches[2]));
        if (it == github_prs_.end()) return reply(res, 404, {{"message", "Not Found"}});
        reply(res, 200, it->second);
      });
    });
    server_.Get(R"(/github/repos/([^/]+/[^/]+)/issues/(\d+)/comments)", [this](const httplib::Request& req, httplib::Response& res) {
      answer(req, res, "github", [&] { list(res, key(req.matches[1], req.matches[2]), req, false); });
    });
    server_.Post(R"(/github/repos/([^/]+/[^/]+)/issues/(\d+)/comments)", [this](const httplib::Request& req, httplib::Response& res) {
      answer(req, res, "github", [&] { create(res, key(req.matches[1], req.matches[2]), req.body); });
    });
    server_.Patch(R"(/github/repos/([^/]+/[^/]+)/issues/comments/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      answer(req, res, "github", [&] { update(res, "", std::stoll(req.matches[2]), req.body); });
    });
    server_.Get(R"(/gitlab/api/v4/projects/(.+)/merge_requests/(\d+)/notes)", [this](const httplib::Request& req, httplib::Response& res) {
      answer(req, res, "gitlab", [&] { list(res, key(project(req.matches[1]), req.matches[2]), req, true); });
    });
    server_.Post(R"(/gitlab/api/v4/projects/(.+)/merge_requests/(\d+)/notes)", [this](const httplib::Request& req, httplib::Response& res) {
      answer(req, res, "gitlab", [&] { create(res, key(project(req.matches[1]), req.matches[2]), req.body); });
    });
    server_.Put(R"(/gitlab/api/v4/projects/(.+)/merge_requests/(\d+)/notes/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      answer(req, res, "gitlab", [&] { update(res, key(project(req.matches[1]), req.matches[2]), std::stoll(req.matches[3]), req.body); });
    });
    server_.Get(R"(/gitlab/api/v4/projects/(.+)/merge_requests/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      answer(req, res, "gitlab", [&] {
        auto it = gitlab_mrs_.find(key(project(req.matches[1]), req.matches[2]));
        if (it == gitlab_mrs_.end()) return reply(res, 404, {{"message", "404 Not found"}});
        reply(res, 200, it->second);
      });
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  ~FakeProviderServer() {
    server_.stop();
    thread_.join();
  }

  std::string github_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/github"; }
  std::string gitlab_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/gitlab/api/v4"; }

  void add_github_pr(const std::string& repo, int number, nlohmann::json pr) {
    std::lock_guard lock(mutex_);
    github_prs_[key(repo, std::to_string(number))] = std::move(pr);
  }
  void add_gitlab_mr(const std::string& project_path, int iid, nlohmann::json mr) {
    std::lock_guard lock(mutex_);
    gitlab_mrs_[key(project_path, std::to_string(iid))] = std::move(mr);
  }
  // A comment somebody else wrote (GitLab: `system` for its own notes).
  void add_comment(const std::string& repo, int number, const std::string& body, bool system = false) {
    std::lock_guard lock(mutex_);
    comments_[key(repo, std::to_string(number))].push_back({next_id_++, body, system});
  }
  std::vector<FakeComment> comments(const std::string& repo, int number) {
    std::lock_guard lock(mutex_);
    return comments_[key(repo, std::to_string(number))];
  }

  // The next `count` requests are answered `status` with these headers.
  void refuse_next(int status, std::vector<std::pair<std::string, std::string>> headers, int count = 1) {
    std::lock_guard lock(mutex_);
    for (int i = 0; i < count; ++i) refusals_.push_back({status, headers});
  }
  // Headers added to every successful answer (e.g. a spent budget).
  void set_success_headers(std::vector<std::pair<std::string, std::string>> headers) {
    std::lock_guard lock(mutex_);
    success_headers_ = std::move(headers);
  }

  std::vector<FakeRequest> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::size_t count(const std::string& method, const std::string& path_part) {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& r : requests_) n += r.method == method && r.path.find(path_part) != std::string::npos;
    return n;
  }

 private:
  struct Refusal {
    int status;
    std::vector<std::pair<std::string, std::string>> headers;
  };
  static std::string key(const std::string& repo, const std::string& number) { return repo + "#" + number; }
  // cpp-httplib may or may not have decoded %2F already.
  static std::string project(std::string id) {
    for (std::size_t at; (at = id.find("%2F")) != std::string::npos;) id.replace(at, 3, "/");
    return id;
  }
  static void reply(httplib::Response& res, int status, const nlohmann::json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
  }

  template <class Handler>
  void answer(const httplib::Request& req, httplib::Response& res, const std::string& provider, Handler handler) {
    std::lock_guard lock(mutex_);
    FakeRequest seen{req.method, req.path, "", req.body, 0};
    seen.credential = provider == "github" ? req.get_header_value("Authorization") : req.get_header_value("PRIVATE-TOKEN");
    const std::string expected = provider == "github" ? std::string("Bearer ") + kGitHubToken : kGitLabToken;
    if (!refusals_.empty()) {
      Refusal refusal = refusals_.front();
      refusals_.erase(refusals_.begin());
      for (const auto& [name, value] : refusal.headers) res.set_header(name, value);
      reply(res, refusal.status, {{"message", "API rate limit exceeded"}});
    } else if (seen.credential != expected) {
      reply(res, 401, {{"message", "Bad credentials"}});
    } else {
      handler();
      if (res.status < 300) {
        for (const auto& [name, value] : success_headers_) res.set_header(name, value);
      }
    }
    seen.answered = res.status;
    requests_.push_back(std::move(seen));
  }

  void list(httplib::Response& res, const std::string& pr, const httplib::Request& req, bool gitlab) {
    nlohmann::json out = nlohmann::json::array();
    int page = req.has_param("page") ? std::stoi(req.get_param_value("page")) : 1;
    int per_page = req.has_param("per_page") ? std::stoi(req.get_param_value("per_page")) : 30;
    const auto& all = comments_[pr];
    for (int i = (page - 1) * per_page; i < page * per_page && i < static_cast<int>(all.size()); ++i) {
      nlohmann::json c{{"id", all[i].id}, {"body", all[i].body}};
      if (gitlab) c["system"] = all[i].system;
      out.push_back(c);
    }
    reply(res, 200, out);
  }
  void create(httplib::Response& res, const std::string& pr, const std::string& body) {
    auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.contains("body")) return reply(res, 422, {{"message", "body is missing"}});
    FakeComment c{next_id_++, parsed["body"].get<std::string>(), false};
    comments_[pr].push_back(c);
    reply(res, 201, {{"id", c.id}, {"body", c.body}});
  }
  void update(httplib::Response& res, const std::string& pr, long long id, const std::string& body) {
    auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.contains("body")) return reply(res, 422, {{"message", "body is missing"}});
    for (auto& [key, list] : comments_) {
      if (!pr.empty() && key != pr) continue;
      for (FakeComment& c : list) {
        if (c.id != id) continue;
        c.body = parsed["body"].get<std::string>();
        return reply(res, 200, {{"id", c.id}, {"body", c.body}});
      }
    }
    reply(res, 404, {{"message", "Not Found"}});
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::map<std::string, nlohmann::json> github_prs_;
  std::map<std::string, nlohmann::json> gitlab_mrs_;
  std::map<std::string, std::vector<FakeComment>> comments_;
  std::vector<Refusal> refusals_;
  std::vector<std::pair<std::string, std::string>> success_headers_;
  std::vector<FakeRequest> requests_;
  long long next_id_ = 1000;
};

}  // namespace pipetrace::testing
