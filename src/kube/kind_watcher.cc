// The list-then-watch loop for one kind (see kind_watcher.h).
#include "kube/kind_watcher.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cctype>

namespace pipetrace::kube {
namespace {

// A continue token can expire between pages (410); the list then starts over
// from the first page, a bounded number of times before backing off.
constexpr int kListRestarts = 3;

std::string seconds_text(std::chrono::milliseconds d) { return fmt::format("{:.1f}s", d.count() / 1000.0); }

// Wraps a list item as a watch event. Core-group list items lack kind and
// apiVersion; they are added so that every line describes itself.
std::string event_line(std::string_view type, std::string_view raw, bool has_kind, const ApiResource& resource) {
  std::string line;
  line.reserve(raw.size() + 96);
  line += "{\"type\":\"";
  line += type;
  line += "\",\"object\":";
  if (has_kind || raw.empty() || raw.front() != '{') {
    line += raw;
  } else {
    line += "{\"kind\":\"" + resource.kind + "\",\"apiVersion\":\"" + resource.api_version() + "\"";
    std::string_view rest = raw.substr(1);
    std::size_t first = rest.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && rest[first] != '}') line += ',';
    line += rest;
  }
  line += '}';
  return line;
}

std::string deleted_line(const ObjectIdentity& gone, const ApiResource& resource, const std::string& version) {
  nlohmann::ordered_json metadata;
  metadata["name"] = gone.name;
  if (!gone.ns.empty()) metadata["namespace"] = gone.ns;
  if (!gone.uid.empty()) metadata["uid"] = gone.uid;
  metadata["resourceVersion"] = version;
  nlohmann::ordered_json event;
  event["type"] = "DELETED";
  event["object"] = {{"kind", resource.kind}, {"apiVersion", resource.api_version()}, {"metadata", metadata}};
  return event.dump();
}

// "pods (v1)", "pipelineruns (tekton.dev/v1)": what an operator would look up.
std::string label(const ApiResource& r) { return r.plural + " (" + r.api_version() + ")"; }

std::uint64_t draw_seed(std::uint64_t seed) {
  if (seed != 0) return seed;
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

}  // namespace

KindWatcher::KindWatcher(WatchedKind kind, std::string ns, const KubeConfig& config,
                         std::shared_ptr<BearerToken> token, const WatchOptions& options, std::uint64_t seed,
                         WatchLineHandler on_line, WatchStatusHandler on_status)
    : kind_(std::move(kind)),
      ns_(std::move(ns)),
      config_(config),
      token_(std::move(token)),
      options_(options),
      backoff_(options.backoff, draw_seed(seed)),
      on_line_(std::move(on_line)),
      on_status_(std::move(on_status)) {}

TimeNs KindWatcher::now() const {
  static const SystemClock system_clock;
  return (options_.clock ? options_.clock : &system_clock)->now();
}

std::string KindWatcher::scope() const { return ns_.empty() ? "in all namespaces" : "in namespace " + ns_; }

std::string KindWatcher::label_query() const {
  return kind_.label_selector.empty() ? std::string() : "&labelSelector=" + url_encode(kind_.label_selector);
}

void KindWatcher::report(WatchState state, std::string message, long http_status, std::chrono::milliseconds retry_in) {
  if (!on_status_) return;
  on_status_(WatchStatus{kind_.name, ns_, state, std::move(message), http_status, retry_in});
}

void KindWatcher::deliver(std::string_view type, std::string_view json, TimeNs observed_at, bool from_list,
                          bool deleted) {
  if (!on_line_) return;
  WatchLine line;
  line.kind = &kind_;
  line.resource = &resource();
  line.ns = ns_;
  line.type = type;
  line.json = json;
  line.observed_at = observed_at;
  line.from_list = from_list;
  line.deleted_while_away = deleted;
  on_line_(line);
}

void KindWatcher::run(StopSignal& stop) {
  ApiConnection connection(config_, token_, &stop);
  bool need_list = true;
  bool absent_reported = false;
  while (!stop.stop_requested()) {
    std::string what = label(resource()) + " " + scope();
    if (need_list) {
      Outcome outcome = list_all(connection);
      if (outcome == Outcome::Cancelled) return;
      if (outcome == Outcome::NotFound) {
        if (candidate_ + 1 < kind_.candidates.size()) {
          ++candidate_;
          spdlog::info("the API server does not serve {}; using {} instead", what,
                       label(resource()));
          continue;
        }
        candidate_ = 0;
        if (!absent_reported) {
          absent_reported = true;
          std::string message = fmt::format(
              "the API server does not serve {} (404): is its CustomResourceDefinition installed? "
              "Not watching {} for now; checking again every {}",
              what, kind_.name, seconds_text(options_.absent_kind_retry));
          spdlog::warn("{}", message);
          report(WatchState::KindAbsent, message, 404, options_.absent_kind_retry);
        }
        if (stop.wait_for(options_.absent_kind_retry)) return;
        continue;
      }
      if (outcome != Outcome::Ok) {
        auto delay = backoff_.next();
        spdlog::warn("{}; retrying in {}", failure_, seconds_text(delay));
        report(WatchState::Retrying, failure_, failure_status_, delay);
        if (stop.wait_for(delay)) return;
        continue;
      }
      if (absent_reported) {
        absent_reported = false;
        spdlog::info("the API server now serves {}; watching it", what);
        report(WatchState::KindServedAgain, "now served: " + what);
      }
      need_list = false;
      backoff_.reset();
    }

    Outcome outcome = watch(connection);
    switch (outcome) {
      case Outcome::Cancelled:
        return;
      case Outcome::EndedNormally: {
        // The server ends every watch after timeoutSeconds; carry on from
        // the last version seen. A watch that ended with nothing in it may
        // be a server closing at once: wait a little so as not to spin.
        auto delay = std::chrono::milliseconds(0);
        if (watch_events_ == 0) {
          delay = backoff_.next();
        } else {
          backoff_.reset();
        }
        report(WatchState::Resuming,
               "the watch of " + what + " ended; resuming at resourceVersion " + resource_version_, 0, delay);
        if (delay.count() > 0 && stop.wait_for(delay)) return;
        break;
      }
      case Outcome::Expired: {
        std::string message = fmt::format(
            "the watch of {} can no longer resume at resourceVersion {} (410 Gone); listing again to catch up",
            what, resource_version_);
        spdlog::info("{}", message);
        report(WatchState::Relisting, message, 410);
        need_list = true;
        // Expired straight after a list: history is being compacted faster
        // than we list; do not hammer the server with lists.
        if (watch_events_ == 0) {
          if (stop.wait_for(backoff_.next())) return;
        }
        break;
      }
      case Outcome::NotFound:
        need_list = true;  // the CRD went away; the list reports it
        break;
      case Outcome::Dropped: {
        // A watch that had delivered events was healthy: come back quickly,
        // still jittered so that many watchers spread out. One that drops
        // before any event backs off like any other failure.
        if (watch_events_ > 0) backoff_.reset();
        auto delay = backoff_.next();
        std::string message = fmt::format("{}; resuming at resourceVersion {} in {}", failure_,
                                          resource_version_, seconds_text(delay));
        spdlog::info("{}", message);
        report(WatchState::Resuming, message, 0, delay);
        if (stop.wait_for(delay)) return;
        break;
      }
      default: {
        auto delay = backoff_.next();
        spdlog::warn("{}; retrying in {}", failure_, seconds_text(delay));
        report(WatchState::Retrying, failure_, failure_status_, delay);
        if (stop.wait_for(delay)) return;
        break;
      }
    }
  }
}

KindWatcher::Outcome KindWatcher::list_all(ApiConnection& connection) {
  const ApiResource& res = resource();
  std::string what = "listing " + label(res) + " " + scope();
  std::size_t added = 0, modified = 0, deleted = 0, total = 0;
  int restarts = 0;
  std::string continue_token;
  std::string list_version;
  versions_.begin_relist();
  while (true) {
    std::string path = res.collection_path(ns_) + "?limit=" + std::to_string(options_.page_size) + label_query();
    if (!continue_token.empty()) path += "&continue=" + url_encode(continue_token);
    ApiResponse response = connection.request("GET", path, {}, {}, options_.request_timeout);
    if (response.cancelled) return Outcome::Cancelled;
    if (!response.ok()) {
      if (response.status == 410 && !continue_token.empty() && restarts < kListRestarts) {
        ++restarts;
        spdlog::info("{}: the continue token expired (410 Gone); listing again from the first page", what);
        continue_token.clear();
        versions_.begin_relist();
        continue;
      }
      if (response.status == 404) return Outcome::NotFound;
      failure_ = connection.describe_failure(response, what);
      failure_status_ = response.status;
      return Outcome::Failed;
    }
    TimeNs observed = now();
    ListPage page;
    std::string error;
    bool parsed = parser_.parse_list(
        response.body,
        [&](std::string_view raw, const ObjectIdentity& identity, bool has_kind) {
          ++total;
          VersionChange change = versions_.observe_listed(identity);
          if (change == VersionChange::Unchanged) return;
          std::string_view type = change == VersionChange::Added ? "ADDED" : "MODIFIED";
          (change == VersionChange::Added ? added : modified)++;
          std::string line = event_line(type, raw, has_kind, res);
          deliver(type, line, observed, /*from_list=*/true, false);
        },
        page, error);
    if (!parsed) {
      failure_ = what + ": the answer is not a Kubernetes list (" + error + ")";
      failure_status_ = response.status;
      return Outcome::Failed;
    }
    list_version = page.resource_version;
    if (page.continue_token.empty()) break;
    continue_token = page.continue_token;
  }
  TimeNs observed = now();
  for (const auto& gone : versions_.end_relist()) {
    ++deleted;
    deliver("DELETED", deleted_line(gone, res, list_version), observed, /*from_list=*/true, /*deleted=*/true);
  }
  resource_version_ = list_version;
  std::string message;
  if (!listed_once_) {
    message = fmt::format("watching {} {}: {} listed at resourceVersion {}", label(res), scope(), total,
                          list_version);
  } else {
    message = fmt::format("caught up on {} {}: {} added, {} modified, {} deleted while away", label(res), scope(),
                          added, modified, deleted);
  }
  listed_once_ = true;
  spdlog::info("{}", message);
  report(WatchState::Synced, message);
  return Outcome::Ok;
}

KindWatcher::Outcome KindWatcher::watch(ApiConnection& connection) {
  const ApiResource& res = resource();
  std::string what = "watching " + label(res) + " " + scope();
  std::string path = res.collection_path(ns_) + "?watch=1&allowWatchBookmarks=true&resourceVersion=" +
                     url_encode(resource_version_) +
                     "&timeoutSeconds=" + std::to_string(options_.watch_timeout.count()) + label_query();
  bool expired = false;
  WatchEventHeader header;
  std::string error;
  auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(options_.watch_timeout + options_.read_grace);
  watch_events_ = 0;
  ApiResponse response = connection.stream_lines(path, timeout, [&](std::string_view line) {
    TimeNs observed = now();
    if (!parser_.parse_event(line, header, error)) {
      spdlog::warn("{}: skipping a watch line that is not a watch event ({})", what, error);
      return true;
    }
    const std::string& type = header.type;
    if (type == "ERROR") {
      deliver(type, line, observed, false, false);
      if (header.status_code == 410) {
        expired = true;
        return false;  // the server ends the stream too; no need to wait for it
      }
      spdlog::warn("{}: the server sent an error event ({} {}: {})", what, header.status_code,
                   header.status_reason, header.status_message);
      return true;
    }
    std::string key = ObjectVersions::key_of(header.object);
    if (type == "ADDED" || type == "MODIFIED") {
      // After a relist, the watch may replay a version the list already
      // showed; the version is known, so the event is not repeated.
      if (versions_.known(key, header.object.resource_version)) {
        resource_version_ = header.object.resource_version;
        ++watch_events_;
        return true;
      }
      versions_.observe(header.object);
    } else if (type == "DELETED") {
      versions_.forget(key);
    } else if (type != "BOOKMARK") {
      spdlog::warn("{}: skipping a watch event of unknown type '{}'", what, type);
      return true;
    }
    if (!header.object.resource_version.empty()) resource_version_ = header.object.resource_version;
    ++watch_events_;
    deliver(type, line, observed, false, false);
    return true;
  });
  if (response.cancelled) return Outcome::Cancelled;
  if (expired || response.status == 410) return Outcome::Expired;
  if (response.status == 404) return Outcome::NotFound;
  if (response.status >= 200 && response.status < 300) {
    if (response.transport_code == 0) return Outcome::EndedNormally;
    failure_ = "the watch connection for " + label(res) + " " + scope() +
               " dropped (" + response.transport_error + ")";
    failure_status_ = 0;
    return Outcome::Dropped;
  }
  failure_ = connection.describe_failure(response, what);
  failure_status_ = response.status;
  return Outcome::Failed;
}

}  // namespace pipetrace::kube
