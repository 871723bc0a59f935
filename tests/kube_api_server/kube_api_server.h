// A Kubernetes API server for tests, over HTTPS (cpp-httplib + OpenSSL):
// discovery, list with limit/continue, watch with bookmarks and
// resourceVersion, get, create, update, merge/strategic/JSON patch, delete,
// Leases, bearer-token (or client-certificate) auth, and faults on command
// (drop every watch, answer 410 to the next list or watch, delay answers,
// restart with a new resourceVersion history, withdraw a CRD). Enough for
// real kubectl and for pipetrace's watcher to be tested against it.
//
// Faults and content can be driven from C++ or from the HTTP control
// endpoint POST /_control (see docs/kubernetes.md).
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "admission_hook.h"
#include "object_store.h"
#include "resource_registry.h"

namespace httplib {
class SSLServer;
struct Request;
struct Response;
}  // namespace httplib

namespace pipetrace::testing {

struct ApiServerOptions {
  std::string cert_file;
  std::string key_file;
  // Set: clients must present a certificate signed by this CA (mutual TLS),
  // which then authenticates them without a token.
  std::string client_ca_file;
  std::string token = "test-token";
  std::chrono::milliseconds bookmark_interval{1000};
  std::chrono::seconds default_watch_timeout{1800};
  std::string host = "127.0.0.1";
  // Set: every pod created is first sent to this mutating webhook.
  AdmissionWebhookTarget admission_webhook;
};

struct ApiServerStats {
  std::size_t lists = 0;
  std::size_t watches = 0;
  std::size_t gets = 0;
  std::size_t creates = 0;
  std::size_t updates = 0;
  std::size_t patches = 0;
  std::size_t deletes = 0;
  std::size_t unauthorized = 0;
  std::size_t gone = 0;  // 410 answers and ERROR 410 events
  std::size_t open_watches = 0;
};

enum class FaultTarget { List, Watch, Any };

class KubeApiServer {
 public:
  explicit KubeApiServer(ApiServerOptions options);
  ~KubeApiServer();
  KubeApiServer(const KubeApiServer&) = delete;
  KubeApiServer& operator=(const KubeApiServer&) = delete;

  // Listens on `port` (0: any free loopback port); returns the port, or -1
  // with `last_error()` set. Objects survive a stop() and start().
  int start(int port = 0);
  // Closes the listener and every connection: the server is unreachable
  // until start() again.
  void stop();
  bool running() const { return server_ != nullptr; }
  int port() const { return port_; }
  std::string url() const;
  const std::string& last_error() const { return last_error_; }

  // Content. Objects whose kind the server does not know are registered as
  // new namespaced resources ("Foo" -> "foos"); Lists are flattened.
  // Returns the number loaded; `error` names the file on failure.
  std::size_t load_file(const std::string& path, std::string& error);
  StoreResult apply(const Json& object);
  StoreResult remove(const std::string& api_version, const std::string& kind, const std::string& ns,
                     const std::string& name);
  ObjectStore& store() { return store_; }
  ResourceRegistry& registry() { return registry_; }
  // The resource that serves apiVersion/kind, registering one if needed.
  std::optional<ServedResource> resource_for(const Json& object);

  // Faults.
  void drop_watches();  // every open watch is cut without a clean end
  // The next matching request (optionally only for one plural), after
  // letting `skip` of them through, is answered with `status`; a watch with
  // `as_watch_event` gets 200 and an ERROR event.
  void fail_next(FaultTarget target, int status = 410, bool as_watch_event = false, std::string plural = "",
                 int skip = 0);
  // The next `count` requests (0: all, until cleared with 0ms) wait first.
  void delay_responses(std::chrono::milliseconds delay, int count = 0);
  void new_history();  // drops watches and restarts resourceVersions
  void compact();      // versions up to now expire (410 to resume from them)
  void set_token(std::string token);
  void withdraw(const std::string& group, const std::string& plural);
  void restore(const std::string& group, const std::string& plural);
  // Pods created from now on go through this webhook (an empty URL: none).
  void set_admission_webhook(AdmissionWebhookTarget target);

  ApiServerStats stats() const;
  // "METHOD path?query" of recent requests, oldest first.
  std::vector<std::string> request_log() const;

 private:
  struct Fault {
    FaultTarget target;
    int status;
    bool as_event;
    std::string plural;
    int skip;
  };
  struct WatchRegistration;

  void install_routes(httplib::SSLServer& server);
  bool authorized(const httplib::Request& req, httplib::Response& res);
  void apply_delay();
  std::optional<Fault> take_fault(bool is_watch, const std::string& plural);
  void handle_resource(const httplib::Request& req, httplib::Response& res);
  void handle_watch(const httplib::Request& req, httplib::Response& res, const ServedResource& r,
                    const std::string& ns);
  void handle_control(const httplib::Request& req, httplib::Response& res);
  Json admit_pod_through_webhook(Json pod, const std::string& ns);

  ApiServerOptions options_;
  ResourceRegistry registry_;
  ObjectStore store_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::string last_error_;
  std::atomic<bool> stopping_{false};

  mutable std::mutex mutex_;  // everything below
  std::string token_;
  std::deque<Fault> faults_;
  std::chrono::milliseconds delay_{0};
  int delay_count_ = 0;
  bool delay_forever_ = false;
  ApiServerStats stats_;
  std::set<std::shared_ptr<WatchRegistration>> watches_;
  std::deque<std::string> request_log_;
  AdmissionWebhookTarget admission_webhook_;
};

}  // namespace pipetrace::testing
