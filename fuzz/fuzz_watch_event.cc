// Fuzz target: what the watcher reads from the API server: one watch line
// (WatchEventParser::parse_event) and one list page (parse_list, which
// parses in place).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "kube/watch_event.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static pipetrace::kube::WatchEventParser parser;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  pipetrace::kube::WatchEventHeader header;
  std::string error;
  if (!parser.parse_event(input, header, error) && error.empty()) std::abort();

  std::string body(input);
  pipetrace::kube::ListPage page;
  std::size_t items = 0;
  error.clear();
  bool listed = parser.parse_list(
      body, [&](std::string_view, const pipetrace::kube::ObjectIdentity&, bool) { ++items; }, page, error);
  if (!listed && error.empty()) std::abort();
  if (listed && page.items != items) std::abort();
  return 0;
}
