// `pipetrace ui --data-dir DIR --listen-addr HOST:PORT`: the web UI over a
// store that `replay -o store:DIR` or `serve` fills. Runs until SIGINT or
// SIGTERM.
#include "cli/ui_command.h"

#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <spdlog/spdlog.h>

#include <atomic>
#include <charconv>
#include <filesystem>
#include <iostream>
#include <thread>

#include "model/clock.h"
#include "serve/exclusive_port.h"
#include "store/store_options.h"
#include "store/trace_store.h"
#include "ui/web_ui.h"

namespace pipetrace {
namespace {

struct UiCommandOptions {
  std::string data_dir;
  std::string listen_addr = "127.0.0.1:8080";
  std::string trace_url_template;
  std::string poll_interval = "5s";
};

struct ListenAddress {
  std::string host;
  int port = 0;
};

// "HOST:PORT", "[::1]:PORT" or ":PORT" (all interfaces); port 0 picks a free one.
bool parse_listen_address(const std::string& text, ListenAddress& out) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  int port = -1;
  const char* begin = text.data() + colon + 1;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, port);
  if (ec != std::errc() || ptr != end || port < 0 || port > 65535) return false;
  out = {host, port};
  return true;
}

int run_ui(const UiCommandOptions& opts) {
  UiOptions ui;
  ui.trace_url_template = opts.trace_url_template;
  auto poll = parse_age(opts.poll_interval);
  if (!poll) {
    spdlog::error("ui: --poll-interval {} is not a duration such as 5s", opts.poll_interval);
    return 2;
  }
  ui.poll_interval_ms = static_cast<int>(poll->count() * 1000);
  if (auto problem = ui.validate(); !problem.empty()) {
    spdlog::error("ui: {}", problem);
    return 2;
  }
  ListenAddress addr;
  if (!parse_listen_address(opts.listen_addr, addr)) {
    spdlog::error("ui: --listen-addr {} is not HOST:PORT", opts.listen_addr);
    return 2;
  }
  StoreOptions store_options;
  store_options.data_dir = opts.data_dir;
  if (!std::filesystem::exists(store_options.database_path())) {
    spdlog::warn("ui: no trace store in {} yet; starting an empty one for replay or serve to fill", opts.data_dir);
  }
  auto store = TraceStore::open(store_options);
  if (!store) {
    spdlog::error("ui: {}", store.error());
    return 1;
  }

  // Signals go to one waiting thread (blocked everywhere else, including the
  // server's worker threads, which inherit the mask).
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  SystemClock clock;
  httplib::Server server;
  bind_port_exclusively(server);
  // Slow clients on a busy laptop: the library's 5 s default cuts them off.
  server.set_read_timeout(30, 0);
  server.set_write_timeout(30, 0);
  server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    spdlog::debug("ui: {} {} -> {}", req.method, req.path, res.status);
  });
  WebUi web_ui(**store, ui, clock);
  web_ui.mount(server);

  int port = addr.port;
  if (port == 0) {
    port = server.bind_to_any_port(addr.host);
    if (port < 0) port = 0;
  } else if (!server.bind_to_port(addr.host, port)) {
    port = 0;
  }
  if (port == 0) {
    spdlog::error("ui: cannot listen on {}: the address is in use or not available here", opts.listen_addr);
    return 1;
  }
  const std::string shown_host = addr.host == "0.0.0.0" || addr.host == "::" ? "localhost"
                                 : addr.host.find(':') != std::string::npos ? "[" + addr.host + "]"
                                                                            : addr.host;
  std::cout << "pipetrace ui: serving the store in " << opts.data_dir << " at http://" << shown_host << ":" << port
            << "/" << std::endl;

  std::atomic<bool> signalled{false};
  std::thread stopper([&] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    signalled = true;
    spdlog::info("ui: stopping on signal {}", signal_number);
    server.stop();
  });
  const bool clean = server.listen_after_bind();
  // The server ended on its own: wake the waiting thread so it can finish.
  if (!signalled) pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  return clean ? 0 : 1;
}

}  // namespace

void register_ui_command(CLI::App& app) {
  auto opts = std::make_shared<UiCommandOptions>();
  CLI::App* cmd = app.add_subcommand("ui", "Serve the web UI and JSON API over a trace store");
  cmd->add_option("--data-dir", opts->data_dir, "Directory of the trace store (as given to -o store:DIR)")
      ->required();
  cmd->add_option("--listen-addr", opts->listen_addr, "HOST:PORT to listen on (port 0 picks a free port)")
      ->capture_default_str();
  cmd->add_option("--trace-url-template", opts->trace_url_template,
                  "Link each trace to another backend; {traceId} is replaced, e.g. "
                  "http://localhost:3000/explore?traceId={traceId}");
  cmd->add_option("--poll-interval", opts->poll_interval, "How often pages refresh running pipelines")
      ->capture_default_str();
  cmd->callback([opts] {
    int rc = run_ui(*opts);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace pipetrace
