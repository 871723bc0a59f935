// List-then-watch of one kind in one namespace (or all), the way client-go's
// reflector does it, without keeping objects: paginated list, watch from the
// list's resourceVersion with bookmarks, resume after a dropped connection,
// relist on 410 Gone emitting only what changed, jittered backoff on errors,
// and a kind whose CRD is absent reported once and retried slowly.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kube/api_connection.h"
#include "kube/backoff.h"
#include "kube/kube_config.h"
#include "kube/object_versions.h"
#include "kube/resource_kind.h"
#include "kube/stop_signal.h"
#include "kube/watch_event.h"
#include "model/clock.h"

namespace pipetrace::kube {

// One watch event, as one JSON line {"type":...,"object":...}: the line as
// the server sent it, or, for list results, the list item's text as received
// (with "kind"/"apiVersion" added when the list left them out) wrapped as an
// ADDED or MODIFIED event.
struct WatchLine {
  const WatchedKind* kind = nullptr;
  const ApiResource* resource = nullptr;  // the candidate being served
  std::string_view ns;                    // the watched namespace; empty for all
  std::string_view type;                  // ADDED, MODIFIED, DELETED, BOOKMARK, ERROR
  std::string_view json;
  TimeNs observed_at = 0;
  bool from_list = false;           // built from a list (initial list or relist)
  bool deleted_while_away = false;  // a DELETED made up for an object a relist no longer has
};

enum class WatchState {
  Synced,          // a list completed; watching from its resourceVersion
  Retrying,        // a request failed; message says why, retry_in when
  Relisting,       // the resourceVersion expired (410); listing again
  Resuming,        // a watch connection ended; resuming from the last version
  KindAbsent,      // the server does not serve this kind (CRD not installed)
  KindServedAgain  // a kind reported absent is served now
};

struct WatchStatus {
  std::string kind;  // the WatchedKind name
  std::string ns;
  WatchState state = WatchState::Synced;
  std::string message;
  long http_status = 0;
  std::chrono::milliseconds retry_in{0};
};

struct WatchOptions {
  std::vector<std::string> namespaces;  // empty: all namespaces
  std::size_t page_size = 500;
  std::chrono::seconds watch_timeout{300};  // timeoutSeconds asked of the server
  std::chrono::seconds read_grace{30};      // added on the client side before giving up on a watch
  std::chrono::seconds request_timeout{60};
  BackoffPolicy backoff;
  std::chrono::milliseconds absent_kind_retry{60000};
  std::uint64_t seed = 0;        // jitter seed; 0 draws one
  const Clock* clock = nullptr;  // observedAt; null means the system clock
};

using WatchLineHandler = std::function<void(const WatchLine&)>;
using WatchStatusHandler = std::function<void(const WatchStatus&)>;

class KindWatcher {
 public:
  KindWatcher(WatchedKind kind, std::string ns, const KubeConfig& config, std::shared_ptr<BearerToken> token,
              const WatchOptions& options, std::uint64_t seed, WatchLineHandler on_line,
              WatchStatusHandler on_status);

  // Lists and watches until `stop` is raised.
  void run(StopSignal& stop);

 private:
  enum class Outcome { Ok, Expired, NotFound, Failed, Dropped, EndedNormally, Cancelled };

  Outcome list_all(ApiConnection& connection);
  Outcome watch(ApiConnection& connection);
  void deliver(std::string_view type, std::string_view json, TimeNs observed_at, bool from_list, bool deleted);
  void report(WatchState state, std::string message, long http_status = 0,
              std::chrono::milliseconds retry_in = std::chrono::milliseconds(0));
  std::string scope() const;
  std::string label_query() const;
  const ApiResource& resource() const { return kind_.candidates[candidate_]; }
  TimeNs now() const;

  WatchedKind kind_;
  std::string ns_;
  KubeConfig config_;
  std::shared_ptr<BearerToken> token_;
  WatchOptions options_;
  JitteredBackoff backoff_;
  WatchLineHandler on_line_;
  WatchStatusHandler on_status_;

  std::size_t candidate_ = 0;
  std::string resource_version_;
  bool listed_once_ = false;
  ObjectVersions versions_;
  WatchEventParser parser_;
  std::string failure_;  // set by list_all/watch when the outcome is Failed/Dropped
  long failure_status_ = 0;
  std::size_t watch_events_ = 0;  // events (ERROR aside) the last watch delivered
};

}  // namespace pipetrace::kube
