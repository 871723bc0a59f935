// The web UI and its JSON API as routes on an HTTP server owned by the
// caller: `pipetrace ui` gives it a server of its own, `pipetrace serve`
// mounts it next to the webhook endpoints.
//
//   GET /api/traces            trace list: repository, pipeline, result, pr,
//                              commit, q, since, until, limit, offset
//   GET /api/traces/{traceId}  one trace with all its spans and links out
//   GET /api/pipelines         per-pipeline statistics (since)
//   GET /api/pipelines/{name}  one pipeline: runs over time, slowest tasks/steps
//   GET /api/config            what the pages need to know (backend link, polling)
//   GET /, /assets/...         the pages, compiled into the binary
#pragma once

#include "model/clock.h"
#include "store/trace_store.h"
#include "ui/ui_options.h"

namespace httplib {
class Server;
}

namespace pipetrace {

class WebUi {
 public:
  // `store` and `clock` must outlive the server the routes are mounted on.
  WebUi(TraceStore& store, UiOptions options, const Clock& clock);

  void mount(httplib::Server& server) const;

 private:
  TraceStore& store_;
  UiOptions options_;
  const Clock& clock_;
};

}  // namespace pipetrace
