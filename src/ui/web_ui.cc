// Route handlers of the web UI and JSON API (see web_ui.h).
#include "ui/web_ui.h"

#include <httplib.h>

#include <spdlog/spdlog.h>

#include "ui/api_json.h"
#include "ui/api_query.h"
#include "ui/embedded_files.h"

namespace pipetrace {
namespace {

constexpr const char* kJsonType = "application/json; charset=utf-8";

void send_json(httplib::Response& res, int status, const nlohmann::ordered_json& body) {
  res.status = status;
  // Attribute values come from cluster objects; never let bad UTF-8 fail a page.
  res.set_content(body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace), kJsonType);
  res.set_header("Cache-Control", "no-store");
}

void send_store_error(httplib::Response& res, const httplib::Request& req, const std::string& error) {
  spdlog::error("ui: {} {} failed: {}", req.method, req.path, error);
  send_json(res, 500, error_json("the trace store could not answer: " + error));
}

// Handlers must never throw into the server's threads.
template <class Handler>
httplib::Server::Handler guarded(Handler handler) {
  return [handler](const httplib::Request& req, httplib::Response& res) {
    try {
      handler(req, res);
    } catch (const std::exception& e) {
      spdlog::error("ui: {} {} failed: {}", req.method, req.path, e.what());
      send_json(res, 500, error_json(std::string("internal error: ") + e.what()));
    }
  };
}

void send_file(httplib::Response& res, const EmbeddedFile& file) {
  res.set_content(std::string(file.text()), std::string(content_type_for(file.path)));
  // Small files; always revalidate so an upgraded binary serves its own pages.
  res.set_header("Cache-Control", "no-cache");
}

}  // namespace

WebUi::WebUi(TraceStore& store, UiOptions options, const Clock& clock)
    : store_(store), options_(std::move(options)), clock_(clock) {}

void WebUi::mount(httplib::Server& server) const {
  server.Get("/api/traces", guarded([this](const httplib::Request& req, httplib::Response& res) {
    auto filter = parse_trace_filter(req.params, clock_.now(), options_.max_page_size);
    if (!filter) return send_json(res, 400, error_json(filter.error()));
    auto page = store_.list_traces(*filter);
    if (!page) return send_store_error(res, req, page.error());
    send_json(res, 200, trace_page_json(*page, *filter));
  }));

  server.Get(R"(/api/traces/([^/]+))", guarded([this](const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    auto trace = store_.get_trace(id);
    if (!trace) return send_json(res, 400, error_json(trace.error()));
    if (!trace->has_value()) return send_json(res, 404, error_json("no trace " + id + " in the store"));
    send_json(res, 200, trace_detail_json(**trace, options_));
  }));

  server.Get("/api/pipelines", guarded([this](const httplib::Request& req, httplib::Response& res) {
    QueryParams since_only;
    if (req.has_param("since")) since_only.emplace("since", req.get_param_value("since"));
    auto filter = parse_trace_filter(since_only, clock_.now(), options_.max_page_size);
    if (!filter) return send_json(res, 400, error_json(filter.error()));
    auto stats = store_.pipeline_stats(filter->since);
    if (!stats) return send_store_error(res, req, stats.error());
    send_json(res, 200, pipelines_json(*stats));
  }));

  // Pipeline names may hold slashes (Jenkins X names them owner/repo/branch).
  server.Get(R"(/api/pipelines/(.+))", guarded([this](const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.matches[1];
    auto detail = store_.pipeline_detail(name);
    if (!detail) return send_store_error(res, req, detail.error());
    if (!detail->has_value()) return send_json(res, 404, error_json("no runs of pipeline " + name + " in the store"));
    send_json(res, 200, pipeline_detail_json(**detail));
  }));

  server.Get("/api/config", guarded([this](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200,
              {{"traceUrlTemplate", options_.trace_url_template}, {"pollIntervalMs", options_.poll_interval_ms}});
  }));

  server.Get(R"(/api/.*)", guarded([](const httplib::Request& req, httplib::Response& res) {
    send_json(res, 404, error_json("no API endpoint " + req.path));
  }));

  server.Get("/", guarded([](const httplib::Request&, httplib::Response& res) {
    const EmbeddedFile* index = find_ui_file("index.html");
    if (index == nullptr) return send_json(res, 500, error_json("this build has no UI files"));
    send_file(res, *index);
  }));

  server.Get(R"(/assets/(.+))", guarded([](const httplib::Request& req, httplib::Response& res) {
    const EmbeddedFile* file = find_ui_file(std::string(req.matches[1]));
    if (file == nullptr) {
      res.status = 404;
      res.set_content("not found", "text/plain");
      return;
    }
    send_file(res, *file);
  }));
}

}  // namespace pipetrace
