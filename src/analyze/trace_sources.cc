// Loading traces for analysis (see trace_sources.h).
#include "analyze/trace_sources.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "sinks/otlp_json_decoder.h"
#include "store/trace_store.h"

namespace pipetrace {
namespace {

// The store's pages are capped; walk them until the selection is exhausted.
constexpr int kPage = 200;

}  // namespace

StoreResult<TraceSpans> load_traces_from_store(const std::string& data_dir, const TraceSelection& selection) {
  using Result = StoreResult<TraceSpans>;
  StoreOptions options;
  options.data_dir = data_dir;
  // Analysing must not create an empty store where a path was mistyped.
  if (!std::filesystem::exists(options.database_path())) {
    return Result::failure(fmt::format("no trace store in {} (expected {})", data_dir, options.database_path()));
  }
  auto store = TraceStore::open(options);
  if (!store) return Result::failure(store.error());

  std::vector<std::string> ids;
  if (!selection.trace_id.empty()) {
    ids.push_back(selection.trace_id);
  } else {
    TraceFilter filter;
    filter.since = selection.since;
    filter.until = selection.until;
    filter.limit = kPage;
    while (ids.size() < selection.max_traces) {
      auto page = (*store)->list_traces(filter);
      if (!page) return Result::failure(page.error());
      for (const auto& t : page->traces) ids.push_back(t.trace_id);
      if (page->traces.size() < static_cast<std::size_t>(kPage)) break;
      filter.offset += kPage;
    }
    if (ids.size() > selection.max_traces) ids.resize(selection.max_traces);
  }

  TraceSpans out;
  for (const auto& id : ids) {
    auto trace = (*store)->get_trace(id);
    if (!trace) return Result::failure(trace.error());
    if (!trace->has_value()) {
      if (!selection.trace_id.empty()) {
        return Result::failure(fmt::format("trace {} is not in the store at {}", id, data_dir));
      }
      continue;  // removed by retention meanwhile
    }
    std::vector<Span> spans;
    for (auto& s : (*trace)->spans) spans.push_back(std::move(s.span));
    out.push_back(std::move(spans));
  }
  return out;
}

StoreResult<TraceSpans> load_traces_from_jsonl(const std::string& path, const TraceSelection& selection,
                                               std::vector<std::string>& problems) {
  using Result = StoreResult<TraceSpans>;
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path);
    if (!file) return Result::failure(fmt::format("cannot read {}", path));
    in = &file;
  }
  TraceId wanted;
  if (!selection.trace_id.empty() && !parse_hex(selection.trace_id, wanted)) {
    return Result::failure(fmt::format("\"{}\" is not a trace ID (32 hex digits)", selection.trace_id));
  }
  // A trace can span several lines (the sink writes batches as they come);
  // the same span may appear twice (an in-progress snapshot, then final):
  // the later line wins.
  std::map<TraceId, std::map<SpanId, Span>> traces;
  std::vector<TraceId> order;
  std::string line;
  std::size_t number = 0;
  while (std::getline(*in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    OtlpDecodeResult decoded = decode_otlp_json(line);
    if (!decoded.ok()) {
      problems.push_back(fmt::format("{}:{}: skipped: {}", path, number, decoded.error));
      continue;
    }
    for (auto& batch : decoded.batches) {
      for (auto& span : batch.spans) {
        if (!selection.trace_id.empty() && span.trace_id != wanted) continue;
        auto [it, added] = traces.try_emplace(span.trace_id);
        if (added) order.push_back(span.trace_id);
        it->second[span.span_id] = std::move(span);
      }
    }
  }
  TraceSpans out;
  for (const auto& id : order) {
    std::vector<Span> spans;
    for (auto& [sid, s] : traces[id]) spans.push_back(std::move(s));
    TimeNs start = spans.front().start;
    for (const auto& s : spans) start = std::min(start, s.start);
    if (selection.since && start < *selection.since) continue;
    if (selection.until && start >= *selection.until) continue;
    out.push_back(std::move(spans));
    if (out.size() >= selection.max_traces) break;
  }
  if (!selection.trace_id.empty() && out.empty()) {
    return Result::failure(fmt::format("trace {} is not in {}", selection.trace_id, path));
  }
  return out;
}

}  // namespace pipetrace
