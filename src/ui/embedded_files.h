// The web UI's static files (src/ui/assets/), compiled into the binary by
// cmake/embed_files.cmake so that the UI works offline with nothing installed.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace pipetrace {

struct EmbeddedFile {
  std::string_view path;  // relative to src/ui/assets, e.g. "app.js"
  const unsigned char* data;
  std::size_t size;
  std::string_view text() const { return {reinterpret_cast<const char*>(data), size}; }
};

// Defined in the generated ui_assets_embedded.cc.
const std::vector<EmbeddedFile>& embedded_ui_files();

// nullptr when no file has that path.
const EmbeddedFile* find_ui_file(std::string_view path);

// The Content-Type to serve a file with, from its extension.
std::string_view content_type_for(std::string_view path);

}  // namespace pipetrace
