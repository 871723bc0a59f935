// Reading traces back: the filtered, paged trace list and one whole trace.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "store/span_json.h"
#include "store/trace_store.h"

namespace pipetrace {
namespace {

constexpr const char* kSummaryColumns =
    "t.trace_id, t.root_span_id, t.root_name, t.repository, t.pipeline, t.run_id, t.change_id, "
    "t.commit_sha, t.branch, t.result, t.start_ns, t.end_ns, t.span_count, t.error_count, "
    "t.in_progress_count, t.stored_bytes";

TraceSummary read_summary(const SqliteStatement& q) {
  TraceSummary s;
  s.trace_id = q.column_text(0);
  s.root_span_id = q.column_text(1);
  s.root_name = q.column_text(2);
  s.repository = q.column_text(3);
  s.pipeline = q.column_text(4);
  s.run_id = q.column_text(5);
  s.change_id = q.column_text(6);
  s.commit = q.column_text(7);
  s.branch = q.column_text(8);
  s.result = q.column_text(9);
  s.start = q.column_int(10);
  s.end = q.column_int(11);
  s.span_count = q.column_int(12);
  s.error_count = q.column_int(13);
  s.in_progress_count = q.column_int(14);
  s.stored_bytes = q.column_int(15);
  return s;
}

// LIKE treats % and _ as wildcards; user text must match literally.
std::string like_escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

bool is_hex(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c); });
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// The WHERE clause of a filter and the values it binds, in order.
struct WhereClause {
  struct Value {
    bool is_number = false;
    std::string text;
    std::int64_t number = 0;
  };
  std::string sql = "1=1";
  std::vector<Value> values;

  void add(std::string condition) { sql += " AND " + std::move(condition); }
  std::string param(std::string text) {
    values.push_back({false, std::move(text), 0});
    return fmt::format("?{}", values.size());
  }
  std::string param(std::int64_t number) {
    values.push_back({true, {}, number});
    return fmt::format("?{}", values.size());
  }
  void bind(SqliteStatement& st) const {
    for (std::size_t i = 0; i < values.size(); ++i) {
      const int index = static_cast<int>(i + 1);
      if (values[i].is_number) {
        st.bind(index, values[i].number);
      } else {
        st.bind(index, values[i].text);
      }
    }
  }
};

// A trace matches an attribute filter when any of its spans carries the value:
// one trace can hold several pipelines (two jobs triggered by one push).
std::string any_span_has(const std::string& column, const std::string& param) {
  return fmt::format("EXISTS (SELECT 1 FROM spans s WHERE s.{0} = {1} AND s.trace_id = t.trace_id)", column, param);
}

WhereClause where_of(const TraceFilter& f) {
  WhereClause w;
  if (!f.repository.empty()) w.add(any_span_has("repository", w.param(f.repository)));
  if (!f.pipeline.empty()) w.add(any_span_has("pipeline", w.param(f.pipeline)));
  if (!f.change_id.empty()) w.add(any_span_has("change_id", w.param(f.change_id)));
  if (!f.commit.empty()) {
    if (is_hex(f.commit) && f.commit.size() >= 4 && f.commit.size() < 40) {
      // GLOB with a literal prefix uses the index; LIKE would not (it ignores case).
      w.add(fmt::format(
          "EXISTS (SELECT 1 FROM spans s WHERE s.commit_sha GLOB {} AND s.trace_id = t.trace_id)",
          w.param(lower(f.commit) + "*")));
    } else {
      w.add(any_span_has("commit_sha", w.param(f.commit)));
    }
  }
  if (f.result == "running") {
    w.add("t.in_progress_count > 0");
  } else if (!f.result.empty()) {
    w.add(fmt::format("t.result = {}", w.param(f.result)));
  }
  if (!f.text.empty()) {
    std::string contains = w.param("%" + like_escaped(f.text) + "%");
    std::string prefix = w.param(like_escaped(lower(f.text)) + "%");
    std::string exact = w.param(f.text);
    w.add(fmt::format(
        "(t.trace_id LIKE {1} ESCAPE '\\' OR t.root_name LIKE {0} ESCAPE '\\' OR t.repository LIKE {0} ESCAPE '\\' "
        "OR t.pipeline LIKE {0} ESCAPE '\\' OR t.branch LIKE {0} ESCAPE '\\' OR t.run_id LIKE {0} ESCAPE '\\' "
        "OR t.commit_sha LIKE {1} ESCAPE '\\' OR t.change_id = {2} OR t.result = {2})",
        contains, prefix, exact));
  }
  if (f.since) w.add(fmt::format("t.start_ns >= {}", w.param(static_cast<std::int64_t>(*f.since))));
  if (f.until) w.add(fmt::format("t.start_ns < {}", w.param(static_cast<std::int64_t>(*f.until))));
  return w;
}

StoredSpan read_stored_span(const SqliteStatement& q) {
  StoredSpan out;
  Span& s = out.span;
  parse_hex(q.column_text(0), s.trace_id);
  parse_hex(q.column_text(1), s.span_id);
  parse_hex(q.column_text(2), s.parent_span_id);
  s.name = q.column_text(3);
  s.kind = static_cast<SpanKind>(q.column_int(4));
  s.start = q.column_int(5);
  s.end = q.column_optional_int(6).value_or(0);
  s.status = static_cast<StatusCode>(q.column_int(7));
  s.status_message = q.column_text(8);
  out.in_progress = q.column_int(9) != 0;
  s.trace_state = q.column_text(10);
  s.attributes = attributes_from_json(parse_stored_json(q.column_text(11), nlohmann::ordered_json::object()));
  s.events = events_from_json(parse_stored_json(q.column_text(12), nlohmann::ordered_json::array()));
  s.links = links_from_json(parse_stored_json(q.column_text(13), nlohmann::ordered_json::array()));
  out.resource.attributes = attributes_from_json(parse_stored_json(q.column_text(14), nlohmann::ordered_json::object()));
  return out;
}

}  // namespace

StoreResult<TracePage> TraceStore::list_traces(const TraceFilter& filter) {
  std::lock_guard lock(mutex_);
  const WhereClause where = where_of(filter);
  const int limit = std::clamp(filter.limit, 1, 1000);
  const int offset = std::max(filter.offset, 0);

  TracePage page;
  auto count = db_.prepare(fmt::format("SELECT count(*) FROM traces t WHERE {}", where.sql));
  if (!count.valid()) return StoreResult<TracePage>::failure("cannot count traces: " + db_.last_error());
  where.bind(count);
  if (count.step()) page.total = count.column_int(0);
  if (!count.error().empty()) return StoreResult<TracePage>::failure("cannot count traces: " + count.error());

  auto q = db_.prepare(fmt::format("SELECT {} FROM traces t WHERE {} ORDER BY t.start_ns DESC, t.trace_id "
                                   "LIMIT {} OFFSET {}",
                                   kSummaryColumns, where.sql, limit, offset));
  if (!q.valid()) return StoreResult<TracePage>::failure("cannot list traces: " + db_.last_error());
  where.bind(q);
  while (q.step()) page.traces.push_back(read_summary(q));
  if (!q.error().empty()) return StoreResult<TracePage>::failure("cannot list traces: " + q.error());
  return page;
}

StoreResult<std::optional<TraceDetail>> TraceStore::get_trace(const std::string& trace_id_hex) {
  using Result = StoreResult<std::optional<TraceDetail>>;
  TraceId parsed;
  if (!parse_hex(trace_id_hex, parsed)) {
    return Result::failure(fmt::format("\"{}\" is not a trace ID (32 hex digits)", trace_id_hex));
  }
  const std::string id = parsed.hex();
  std::lock_guard lock(mutex_);

  auto summary = db_.prepare(fmt::format("SELECT {} FROM traces t WHERE t.trace_id = ?1", kSummaryColumns));
  if (!summary.valid()) return Result::failure("cannot read trace: " + db_.last_error());
  summary.bind(1, std::string_view(id));
  if (!summary.step()) {
    if (!summary.error().empty()) return Result::failure(fmt::format("cannot read trace {}: {}", id, summary.error()));
    return std::optional<TraceDetail>();
  }
  TraceDetail detail;
  detail.summary = read_summary(summary);

  auto spans = db_.prepare(
      "SELECT trace_id, span_id, parent_span_id, name, kind, start_ns, end_ns, status, status_message, "
      "in_progress, trace_state, attributes, events, links, resource FROM spans WHERE trace_id = ?1 "
      "ORDER BY start_ns, span_id");
  if (!spans.valid()) return Result::failure("cannot read spans: " + db_.last_error());
  spans.bind(1, std::string_view(id));
  while (spans.step()) detail.spans.push_back(read_stored_span(spans));
  if (!spans.error().empty()) return Result::failure(fmt::format("cannot read spans of {}: {}", id, spans.error()));
  return std::optional<TraceDetail>(std::move(detail));
}

}  // namespace pipetrace
