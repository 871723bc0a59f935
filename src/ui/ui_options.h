// Options of the web UI and its JSON API, shared by `pipetrace ui` and
// `pipetrace serve`.
#pragma once

#include <string>

namespace pipetrace {

struct UiOptions {
  // Link from a trace to another backend (Tempo, Jaeger, Grafana); "{traceId}"
  // is replaced by the trace's 32 hex digits. Empty: no link.
  std::string trace_url_template;
  // How often the pages poll for running pipelines, in milliseconds.
  int poll_interval_ms = 5000;
  // Most traces one /api/traces request may return.
  int max_page_size = 500;

  // Empty when valid, else a message naming the bad option.
  std::string validate() const;
};

}  // namespace pipetrace
