// Validation of the web UI options.
#include "ui/ui_options.h"

#include <fmt/format.h>

namespace pipetrace {

std::string UiOptions::validate() const {
  if (!trace_url_template.empty() && trace_url_template.find("{traceId}") == std::string::npos) {
    return fmt::format("--trace-url-template \"{}\" has no {{traceId}} placeholder", trace_url_template);
  }
  if (poll_interval_ms < 500) return "the UI poll interval must be at least 500 ms";
  if (max_page_size < 1) return "the maximum page size must be positive";
  return {};
}

}  // namespace pipetrace
