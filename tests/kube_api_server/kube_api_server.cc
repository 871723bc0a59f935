// The test API server's HTTP side: routes, auth, watches and faults (see
// kube_api_server.h).
#include "kube_api_server.h"

#include <httplib.h>
#include <poll.h>

#include <algorithm>

namespace pipetrace::testing {
namespace {

constexpr std::size_t kRequestLogSize = 4000;
// A watch re-checks for a stop or a dropped connection this often.
constexpr auto kWatchPoll = std::chrono::milliseconds(200);

void send_json(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// "PipelineRun" -> "pipelineruns", "Policy" -> "policies", "Ingress" -> "ingresses"
std::string plural_of(const std::string& kind) {
  std::string s = lower(kind);
  if (s.ends_with("s") || s.ends_with("x") || s.ends_with("ch") || s.ends_with("sh")) return s + "es";
  if (s.size() > 1 && s.ends_with("y") && std::string("aeiou").find(s[s.size() - 2]) == std::string::npos)
    return s.substr(0, s.size() - 1) + "ies";
  return s + "s";
}

struct ResourcePath {
  std::string group, version, ns, plural, name, subresource;
};

// /api/v1[/namespaces/<ns>]/<plural>[/<name>[/<sub>]] and the same under
// /apis/<group>/<version>.
std::optional<ResourcePath> parse_resource_path(const std::string& path) {
  std::vector<std::string> segs;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) segs.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  ResourcePath p;
  std::size_t i = 0;
  if (segs.size() >= 2 && segs[0] == "api") {
    p.version = segs[1];
    i = 2;
  } else if (segs.size() >= 3 && segs[0] == "apis") {
    p.group = segs[1];
    p.version = segs[2];
    i = 3;
  } else {
    return std::nullopt;
  }
  std::vector<std::string> rest(segs.begin() + static_cast<long>(i), segs.end());
  if (rest.empty()) return std::nullopt;
  bool namespace_itself = rest[0] == "namespaces" && p.group.empty() &&
                          (rest.size() <= 2 || (rest.size() == 3 && (rest[2] == "status" || rest[2] == "finalize")));
  if (rest[0] == "namespaces" && rest.size() >= 3 && !namespace_itself) {
    p.ns = rest[1];
    p.plural = rest[2];
    if (rest.size() > 3) p.name = rest[3];
    if (rest.size() > 4) p.subresource = rest[4];
    if (rest.size() > 5) return std::nullopt;
  } else {
    p.plural = rest[0];
    if (rest.size() > 1) p.name = rest[1];
    if (rest.size() > 2) p.subresource = rest[2];
    if (rest.size() > 3) return std::nullopt;
  }
  return p;
}

Json not_served() {
  return status_body(404, "NotFound", "the server could not find the requested resource");
}

// A watch that has nothing to send would not notice its client leaving until
// its timeout; the socket shows a hang-up as soon as the peer closes.
bool client_gone(int fd) {
  if (fd < 0) return false;
  pollfd p{fd, POLLRDHUP, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL));
}

std::string event_line(const std::string& type, const Json& object) {
  Json event = {{"type", type}, {"object", object}};
  return event.dump() + "\n";
}

}  // namespace

struct KubeApiServer::WatchRegistration {
  std::atomic<bool> dropped{false};
};

KubeApiServer::KubeApiServer(ApiServerOptions options)
    : options_(std::move(options)), token_(options_.token), admission_webhook_(options_.admission_webhook) {}

KubeApiServer::~KubeApiServer() { stop(); }

std::string KubeApiServer::url() const { return "https://" + options_.host + ":" + std::to_string(port_); }

int KubeApiServer::start(int port) {
  if (server_) return port_;
  auto server = options_.client_ca_file.empty()
                    ? std::make_unique<httplib::SSLServer>(options_.cert_file.c_str(), options_.key_file.c_str())
                    : std::make_unique<httplib::SSLServer>(options_.cert_file.c_str(), options_.key_file.c_str(),
                                                           options_.client_ca_file.c_str());
  if (!server->is_valid()) {
    last_error_ = "cannot load the server certificate " + options_.cert_file + " or key " + options_.key_file;
    return -1;
  }
  // Watches hold a thread each for their whole life.
  server->new_task_queue = [] { return new httplib::ThreadPool(64); };
  server->set_keep_alive_max_count(100000);
  server->set_keep_alive_timeout(1);  // bounds how long stop() waits for idle connections
  server->set_tcp_nodelay(true);      // small answers must not wait on delayed ACKs
  install_routes(*server);
  int bound = port == 0 ? server->bind_to_any_port(options_.host) : (server->bind_to_port(options_.host, port) ? port : -1);
  if (bound <= 0) {
    last_error_ = "cannot listen on " + options_.host + ":" + std::to_string(port);
    return -1;
  }
  port_ = bound;
  stopping_ = false;
  server_ = std::move(server);
  thread_ = std::thread([s = server_.get()] { s->listen_after_bind(); });
  return port_;
}

void KubeApiServer::stop() {
  if (!server_) return;
  stopping_ = true;
  store_.notify_all();
  server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
  stopping_ = false;
}

bool KubeApiServer::authorized(const httplib::Request& req, httplib::Response& res) {
  if (!options_.client_ca_file.empty()) return true;  // the TLS handshake checked the client certificate
  std::lock_guard lock(mutex_);
  if (req.get_header_value("Authorization") == "Bearer " + token_) return true;
  stats_.unauthorized++;
  send_json(res, 401, status_body(401, "Unauthorized", "Unauthorized"));
  return false;
}

void KubeApiServer::apply_delay() {
  std::chrono::milliseconds delay{0};
  {
    std::lock_guard lock(mutex_);
    if (delay_forever_ || delay_count_ > 0) {
      delay = delay_;
      if (delay_count_ > 0) --delay_count_;
    }
  }
  if (delay.count() > 0) std::this_thread::sleep_for(delay);
}

std::optional<KubeApiServer::Fault> KubeApiServer::take_fault(bool is_watch, const std::string& plural) {
  std::lock_guard lock(mutex_);
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    bool target_ok = it->target == FaultTarget::Any || (it->target == FaultTarget::Watch) == is_watch;
    if (target_ok && (it->plural.empty() || it->plural == plural)) {
      if (it->skip > 0) {
        --it->skip;
        return std::nullopt;
      }
      Fault fault = *it;
      faults_.erase(it);
      if (fault.status == 410) stats_.gone++;
      return fault;
    }
  }
  return std::nullopt;
}

void KubeApiServer::install_routes(httplib::SSLServer& server) {
  server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard lock(mutex_);
      std::string line = req.method + " " + req.path;
      std::string query;
      for (const auto& [k, v] : req.params) query += (query.empty() ? "?" : "&") + k + "=" + v;
      request_log_.push_back(line + query);
      if (request_log_.size() > kRequestLogSize) request_log_.pop_front();
    }
    if (req.path.rfind("/_control", 0) == 0) return httplib::Server::HandlerResponse::Unhandled;
    apply_delay();
    if (!authorized(req, res)) return httplib::Server::HandlerResponse::Handled;
    return httplib::Server::HandlerResponse::Unhandled;
  });

  server.Get("/version", [](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200,
              {{"major", "1"}, {"minor", "32"}, {"gitVersion", "v1.32.0"}, {"gitCommit", "pipetrace-test"},
               {"gitTreeState", "clean"}, {"buildDate", "2025-01-01T00:00:00Z"}, {"goVersion", "go1.23"},
               {"compiler", "gc"}, {"platform", "linux/amd64"}});
  });
  for (const char* health : {"/healthz", "/readyz", "/livez"})
    server.Get(health, [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); });
  server.Get("/api", [this](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, registry_.core_versions(options_.host + ":" + std::to_string(port_)));
  });
  server.Get("/apis", [this](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, registry_.group_list());
  });
  server.Get("/api/v1", [this](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, *registry_.resource_list("", "v1"));
  });
  server.Get(R"(/apis/([^/]+)/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    auto list = registry_.resource_list(req.matches[1], req.matches[2]);
    if (!list) return send_json(res, 404, not_served());
    send_json(res, 200, *list);
  });
  auto resource = [this](const httplib::Request& req, httplib::Response& res) { handle_resource(req, res); };
  for (const char* pattern : {R"(/api/.+)", R"(/apis/.+)"}) {
    server.Get(pattern, resource);
    server.Post(pattern, resource);
    server.Put(pattern, resource);
    server.Patch(pattern, resource);
    server.Delete(pattern, resource);
  }
  server.Post("/_control", [this](const httplib::Request& req, httplib::Response& res) { handle_control(req, res); });
  server.Get("/_control/stats", [this](const httplib::Request&, httplib::Response& res) {
    ApiServerStats s = stats();
    send_json(res, 200,
              {{"lists", s.lists}, {"watches", s.watches}, {"gets", s.gets}, {"creates", s.creates},
               {"updates", s.updates}, {"patches", s.patches}, {"deletes", s.deletes},
               {"unauthorized", s.unauthorized}, {"gone", s.gone}, {"openWatches", s.open_watches},
               {"resourceVersion", std::to_string(store_.current_version())}});
  });
}

void KubeApiServer::handle_resource(const httplib::Request& req, httplib::Response& res) {
  auto path = parse_resource_path(req.path);
  if (!path) return send_json(res, 404, not_served());
  auto r = registry_.find(path->group, path->version, path->plural);
  if (!r && req.method == "POST" && path->name.empty() && !registry_.withdrawn(path->group, path->plural)) {
    // Any group/version/resource may be created into (manifests applied by
    // tests); the first object teaches the server the kind.
    Json body = Json::parse(req.body, nullptr, false);
    if (body.is_object() && body.contains("kind") && body["kind"].is_string()) {
      ServedResource added{path->group, path->version, path->plural, "", body["kind"].get<std::string>(),
                           !path->ns.empty(), {}};
      registry_.add(added);
      r = registry_.find(path->group, path->version, path->plural);
    }
  }
  if (!r || (!r->namespaced && !path->ns.empty())) return send_json(res, 404, not_served());

  StoreResult result;
  if (req.method == "GET") {
    if (path->name.empty()) {
      std::string watch = req.get_param_value("watch");
      if (watch == "true" || watch == "1") return handle_watch(req, res, *r, path->ns);
      {
        std::lock_guard lock(mutex_);
        stats_.lists++;
      }
      if (auto fault = take_fault(false, r->plural)) {
        std::string reason = fault->status == 410 ? "Expired" : "InternalError";
        return send_json(res, fault->status,
                         status_body(fault->status, reason, "injected fault: answering " +
                                                                std::to_string(fault->status) + " to this list"));
      }
      std::string error;
      auto labels = Selector::parse_labels(req.get_param_value("labelSelector"), error);
      auto fields = Selector::parse_fields(req.get_param_value("fieldSelector"), error);
      if (!labels || !fields) return send_json(res, 400, status_body(400, "BadRequest", error));
      std::size_t limit = 0;
      try {
        if (req.has_param("limit")) limit = std::stoul(req.get_param_value("limit"));
      } catch (const std::exception&) {
        return send_json(res, 400, status_body(400, "BadRequest", "limit is not a number"));
      }
      result = store_.list(*r, path->ns, *labels, *fields, limit, req.get_param_value("continue"));
      return send_json(res, result.status, result.body);
    }
    {
      std::lock_guard lock(mutex_);
      stats_.gets++;
    }
    result = store_.get(*r, path->ns, path->name);
  } else if (req.method == "POST") {
    {
      std::lock_guard lock(mutex_);
      stats_.creates++;
    }
    if (!path->name.empty()) return send_json(res, 405, status_body(405, "MethodNotAllowed", "POST to an object"));
    Json body = Json::parse(req.body, nullptr, false);
    if (!body.is_object()) return send_json(res, 400, status_body(400, "BadRequest", "the body is not a JSON object"));
    if (r->group.empty() && r->plural == "pods") body = admit_pod_through_webhook(std::move(body), path->ns);
    result = store_.create(*r, path->ns, body);
    if (result.status == 201 && r->plural == "customresourcedefinitions") registry_.add_from_crd(result.body);
  } else if (req.method == "PUT") {
    {
      std::lock_guard lock(mutex_);
      stats_.updates++;
    }
    Json body = Json::parse(req.body, nullptr, false);
    if (!body.is_object()) return send_json(res, 400, status_body(400, "BadRequest", "the body is not a JSON object"));
    result = store_.update(*r, path->ns, path->name, body);
  } else if (req.method == "PATCH") {
    {
      std::lock_guard lock(mutex_);
      stats_.patches++;
    }
    result = store_.patch(*r, path->ns, path->name, req.get_header_value("Content-Type"), req.body);
  } else if (req.method == "DELETE") {
    {
      std::lock_guard lock(mutex_);
      stats_.deletes++;
    }
    if (path->name.empty())
      return send_json(res, 405, status_body(405, "MethodNotAllowed", "deleting a whole collection"));
    result = store_.remove(*r, path->ns, path->name);
    if (result.status == 200 && r->plural == "customresourcedefinitions" && result.body.contains("spec")) {
      const Json& spec = result.body["spec"];
      if (spec.contains("names") && spec["names"].contains("plural"))
        registry_.withdraw(spec.value("group", ""), spec["names"].value("plural", ""));
    }
  } else {
    return send_json(res, 405, status_body(405, "MethodNotAllowed", req.method));
  }
  if (result.status < 300) result.body = served_form(result.body, *r);
  send_json(res, result.status, result.body);
}

void KubeApiServer::handle_watch(const httplib::Request& req, httplib::Response& res, const ServedResource& r,
                                 const std::string& ns) {
  struct Stream {
    ServedResource resource;
    std::string ns;
    Selector labels;
    Selector fields;
    bool bookmarks = false;
    std::int64_t cursor = 0;
    std::chrono::steady_clock::time_point end;
    std::chrono::steady_clock::time_point next_bookmark;
    std::string first;  // initial ADDED events, or an ERROR event
    bool close_after_first = false;
    std::shared_ptr<WatchRegistration> registration;
  };
  {
    std::lock_guard lock(mutex_);
    stats_.watches++;
  }
  if (auto fault = take_fault(true, r.plural)) {
    if (!fault->as_event) {
      std::string reason = fault->status == 410 ? "Expired" : "InternalError";
      return send_json(res, fault->status, status_body(fault->status, reason, "injected fault on this watch"));
    }
    res.status = 200;
    res.set_content(event_line("ERROR", status_body(fault->status, fault->status == 410 ? "Expired" : "InternalError",
                                                    "injected fault: too old resource version")),
                    "application/json");
    return;
  }
  auto stream = std::make_shared<Stream>();
  stream->resource = r;
  stream->ns = ns;
  std::string error;
  auto labels = Selector::parse_labels(req.get_param_value("labelSelector"), error);
  auto fields = Selector::parse_fields(req.get_param_value("fieldSelector"), error);
  if (!labels || !fields) return send_json(res, 400, status_body(400, "BadRequest", error));
  stream->labels = *labels;
  stream->fields = *fields;
  std::string allow = req.get_param_value("allowWatchBookmarks");
  stream->bookmarks = allow == "true" || allow == "1";
  auto timeout = options_.default_watch_timeout;
  try {
    if (req.has_param("timeoutSeconds")) timeout = std::chrono::seconds(std::stol(req.get_param_value("timeoutSeconds")));
  } catch (const std::exception&) {
    return send_json(res, 400, status_body(400, "BadRequest", "timeoutSeconds is not a number"));
  }
  auto now = std::chrono::steady_clock::now();
  stream->end = now + timeout;
  stream->next_bookmark = now + options_.bookmark_interval;

  std::string version = req.get_param_value("resourceVersion");
  if (version.empty() || version == "0") {
    // No version: the current objects first, as ADDED, then what follows.
    for (const auto& object : store_.snapshot(r, ns, stream->cursor))
      if (stream->labels.matches(object) && stream->fields.matches(object))
        stream->first += event_line("ADDED", served_form(object, r));
  } else {
    try {
      stream->cursor = std::stoll(version);
    } catch (const std::exception&) {
      return send_json(res, 400, status_body(400, "BadRequest", "resourceVersion is not a number"));
    }
    std::int64_t compacted = store_.compacted_version();
    if (stream->cursor < compacted) {
      // As real servers do: 200, one ERROR event with a 410 Status, the end.
      {
        std::lock_guard lock(mutex_);
        stats_.gone++;
      }
      stream->first = event_line("ERROR", status_body(410, "Expired",
                                                      "too old resource version: " + version + " (" +
                                                          std::to_string(compacted) + ")"));
      stream->close_after_first = true;
    }
  }
  stream->registration = std::make_shared<WatchRegistration>();
  {
    std::lock_guard lock(mutex_);
    watches_.insert(stream->registration);
    stats_.open_watches = watches_.size();
  }
  auto interval = options_.bookmark_interval;
  int fd = req.ssl ? SSL_get_fd(req.ssl) : -1;
  res.status = 200;
  // Not plain "application/json": cpp-httplib would gzip the stream for
  // clients that accept it (kubectl does), and a compressor holds events back.
  res.set_chunked_content_provider(
      "application/json;stream=watch",
      [this, stream, interval, fd, sent_first = false](std::size_t, httplib::DataSink& sink) mutable -> bool {
        if (client_gone(fd)) return false;
        if (!sent_first) {
          sent_first = true;
          if (!stream->first.empty() && !sink.write(stream->first.data(), stream->first.size())) return false;
          if (stream->close_after_first) {
            sink.done();
            return true;
          }
        }
        auto keep_waiting = [&] { return !stream->registration->dropped && !stopping_; };
        auto now = std::chrono::steady_clock::now();
        auto deadline = std::min(stream->end, now + kWatchPoll);
        if (stream->bookmarks) deadline = std::min(deadline, stream->next_bookmark);
        auto events = store_.wait_events(stream->resource, stream->ns, stream->cursor, deadline, keep_waiting);
        if (!keep_waiting()) return false;  // dropped: cut the connection without a clean end
        std::string out;
        for (const auto& event : events) {
          stream->cursor = event.resource_version;
          if (!stream->labels.matches(event.object) || !stream->fields.matches(event.object)) continue;
          out += event_line(event.type, served_form(event.object, stream->resource));
        }
        now = std::chrono::steady_clock::now();
        if (out.empty() && stream->bookmarks && now >= stream->next_bookmark) {
          stream->cursor = store_.bookmark_version(stream->resource, stream->ns, stream->cursor);
          Json bookmark = {{"kind", stream->resource.kind},
                           {"apiVersion", stream->resource.api_version()},
                           {"metadata", {{"resourceVersion", std::to_string(stream->cursor)},
                                         {"creationTimestamp", nullptr}}}};
          out = event_line("BOOKMARK", bookmark);
        }
        if (!out.empty()) {
          stream->next_bookmark = now + interval;
          if (!sink.write(out.data(), out.size())) return false;
        }
        if (now >= stream->end) sink.done();
        return true;
      },
      [this, registration = stream->registration](bool) {
        std::lock_guard lock(mutex_);
        watches_.erase(registration);
        stats_.open_watches = watches_.size();
      });
}

void KubeApiServer::handle_control(const httplib::Request& req, httplib::Response& res) {
  Json command = Json::parse(req.body, nullptr, false);
  if (!command.is_object() || !command.contains("op") || !command["op"].is_string())
    return send_json(res, 400, {{"error", "expected a JSON object with \"op\""}});
  std::string op = command["op"].get<std::string>();
  if (op == "drop-watches") {
    drop_watches();
  } else if (op == "fail-next") {
    std::string target = command.value("target", "any");
    FaultTarget t = target == "list" ? FaultTarget::List : target == "watch" ? FaultTarget::Watch : FaultTarget::Any;
    fail_next(t, command.value("status", 410), command.value("asEvent", false), command.value("resource", ""),
              command.value("skip", 0));
  } else if (op == "delay") {
    delay_responses(std::chrono::milliseconds(command.value("ms", 0)), command.value("count", 0));
  } else if (op == "new-history" || op == "restart") {
    new_history();
  } else if (op == "compact") {
    compact();
  } else if (op == "set-token") {
    set_token(command.value("token", ""));
  } else if (op == "withdraw" || op == "restore") {
    std::string group = command.value("group", ""), resource = command.value("resource", "");
    if (op == "withdraw") withdraw(group, resource);
    else restore(group, resource);
  } else if (op == "apply" && command.contains("object")) {
    StoreResult result = apply(command["object"]);
    return send_json(res, result.status, result.body);
  } else if (op == "delete") {
    StoreResult result = remove(command.value("apiVersion", ""), command.value("kind", ""),
                                command.value("namespace", ""), command.value("name", ""));
    return send_json(res, result.status, result.body);
  } else if (op == "load") {
    std::string error;
    std::size_t n = load_file(command.value("path", ""), error);
    if (!error.empty()) return send_json(res, 400, {{"error", error}});
    return send_json(res, 200, {{"loaded", n}});
  } else {
    return send_json(res, 400, {{"error", "unknown op '" + op + "'"}});
  }
  send_json(res, 200, {{"ok", true}, {"resourceVersion", std::to_string(store_.current_version())}});
}

std::optional<ServedResource> KubeApiServer::resource_for(const Json& object) {
  if (!object.is_object()) return std::nullopt;
  std::string api_version = object.value("apiVersion", "");
  std::string kind = object.value("kind", "");
  if (api_version.empty() || kind.empty()) return std::nullopt;
  if (auto r = registry_.find_kind(api_version, kind)) return r;
  ServedResource r;
  auto slash = api_version.find('/');
  r.group = slash == std::string::npos ? "" : api_version.substr(0, slash);
  r.version = slash == std::string::npos ? api_version : api_version.substr(slash + 1);
  r.kind = kind;
  r.plural = plural_of(kind);
  r.singular = lower(kind);
  r.namespaced = true;
  registry_.add(r);
  return registry_.find(r.group, r.version, r.plural);
}

std::size_t KubeApiServer::load_file(const std::string& path, std::string& error) {
  ObjectFile file = read_object_file(path);
  if (!file.error.empty()) {
    error = file.error;
    return 0;
  }
  std::size_t loaded = 0;
  for (const auto& object : file.objects) {
    auto r = resource_for(object);
    if (!r || !object.contains("metadata") || !object["metadata"].is_object() ||
        object["metadata"].value("name", "").empty())
      continue;  // e.g. Tekton Chains' objects without apiVersion/kind/metadata
    if (apply(object).status < 300) ++loaded;
  }
  return loaded;
}

StoreResult KubeApiServer::apply(const Json& object) {
  auto r = resource_for(object);
  if (!r) return {400, status_body(400, "BadRequest", "the object has no apiVersion and kind")};
  StoreResult result = store_.apply(*r, object);
  if (result.status < 300 && r->plural == "customresourcedefinitions") registry_.add_from_crd(result.body);
  return result;
}

StoreResult KubeApiServer::remove(const std::string& api_version, const std::string& kind, const std::string& ns,
                                  const std::string& name) {
  auto r = resource_for(Json{{"apiVersion", api_version}, {"kind", kind}});
  if (!r) return {400, status_body(400, "BadRequest", "unknown apiVersion/kind")};
  return store_.remove(*r, ns, name);
}

void KubeApiServer::drop_watches() {
  {
    std::lock_guard lock(mutex_);
    for (const auto& w : watches_) w->dropped = true;
  }
  store_.notify_all();
}

void KubeApiServer::fail_next(FaultTarget target, int status, bool as_watch_event, std::string plural, int skip) {
  std::lock_guard lock(mutex_);
  faults_.push_back({target, status, as_watch_event, std::move(plural), skip});
}

void KubeApiServer::delay_responses(std::chrono::milliseconds delay, int count) {
  std::lock_guard lock(mutex_);
  delay_ = delay;
  delay_count_ = count;
  delay_forever_ = count == 0 && delay.count() > 0;
}

void KubeApiServer::new_history() {
  drop_watches();
  store_.new_history();
}

void KubeApiServer::compact() { store_.compact(); }

void KubeApiServer::set_token(std::string token) {
  std::lock_guard lock(mutex_);
  token_ = std::move(token);
}

void KubeApiServer::withdraw(const std::string& group, const std::string& plural) {
  registry_.withdraw(group, plural);
  drop_watches();  // a deleted CRD ends its watches
}

void KubeApiServer::restore(const std::string& group, const std::string& plural) { registry_.restore(group, plural); }

void KubeApiServer::set_admission_webhook(AdmissionWebhookTarget target) {
  std::lock_guard lock(mutex_);
  admission_webhook_ = std::move(target);
}

Json KubeApiServer::admit_pod_through_webhook(Json pod, const std::string& ns) {
  AdmissionWebhookTarget target;
  {
    std::lock_guard lock(mutex_);
    target = admission_webhook_;
  }
  if (target.url.empty()) return pod;
  AdmissionOutcome outcome = admit_pod(target, pod, ns);
  if (!outcome.error.empty()) {
    std::lock_guard lock(mutex_);
    request_log_.push_back("ADMISSION failed (pod kept as sent): " + outcome.error);
  }
  return std::move(outcome.object);
}

ApiServerStats KubeApiServer::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

std::vector<std::string> KubeApiServer::request_log() const {
  std::lock_guard lock(mutex_);
  return {request_log_.begin(), request_log_.end()};
}

}  // namespace pipetrace::testing
