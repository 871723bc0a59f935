// See spool_options.h.
#include "spool/spool_options.h"

#include <algorithm>
#include <functional>

#include <fmt/format.h>

namespace pipetrace::spool {

std::optional<FsyncPolicy> parse_fsync_policy(std::string_view text) {
  if (text == "always") return FsyncPolicy::Always;
  if (text == "batch") return FsyncPolicy::Batch;
  if (text == "never") return FsyncPolicy::Never;
  return std::nullopt;
}

const char* to_string(FsyncPolicy policy) {
  switch (policy) {
    case FsyncPolicy::Always: return "always";
    case FsyncPolicy::Batch: return "batch";
    case FsyncPolicy::Never: return "never";
  }
  return "batch";
}

std::uint64_t SpoolOptions::effective_segment_bytes() const {
  if (segment_bytes != 0) return segment_bytes;
  return std::clamp<std::uint64_t>(max_bytes / 8, 64 * 1024, 64ULL * 1024 * 1024);
}

std::string spool_name_for(std::string_view protocol, std::string_view endpoint) {
  std::string name = fmt::format("{}_{}", protocol, endpoint);
  for (char& c : name) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    if (!keep) c = '_';
  }
  // Long endpoints keep a readable prefix and a hash that tells them apart.
  if (name.size() > 100) {
    name = fmt::format("{}_{:016x}", name.substr(0, 80), std::hash<std::string_view>{}(endpoint));
  }
  return name;
}

}  // namespace pipetrace::spool
