// Look-up of the embedded UI files (see embedded_files.h).
#include "ui/embedded_files.h"

namespace pipetrace {

const EmbeddedFile* find_ui_file(std::string_view path) {
  for (const auto& f : embedded_ui_files()) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

std::string_view content_type_for(std::string_view path) {
  if (path.ends_with(".html")) return "text/html; charset=utf-8";
  if (path.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (path.ends_with(".css")) return "text/css; charset=utf-8";
  if (path.ends_with(".svg")) return "image/svg+xml";
  if (path.ends_with(".json")) return "application/json";
  if (path.ends_with(".png")) return "image/png";
  if (path.ends_with(".ico")) return "image/x-icon";
  return "application/octet-stream";
}

}  // namespace pipetrace
