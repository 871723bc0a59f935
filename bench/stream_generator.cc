// StreamGenerator: turns one job of an example recording into templates
// with holes (times, uids, name parts) and renders many runs of it,
// merged by observation time.
#include "stream_generator.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <map>
#include <queue>
#include <sstream>

#include <nlohmann/json.hpp>

#include "model/time.h"

namespace pipetrace::bench {
namespace {

using Json = nlohmann::ordered_json;  // keeps the fixtures' key order, so sizes stay real

bool read_lines(const std::string& path, std::vector<std::string>& lines, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read " + path;
    return false;
  }
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(std::move(line));
  }
  if (lines.empty()) error = path + " has no lines";
  return !lines.empty();
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }
bool is_word(char c) { return is_hex(c) || (c >= 'g' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

// "YYYY-MM-DDTHH:MM:SS[.fff]Z" starting at i; returns its length or 0.
std::size_t timestamp_length(const std::string& s, std::size_t i, int& fraction_digits) {
  static constexpr std::string_view shape = "dddd-dd-ddTdd:dd:dd";
  if (i + shape.size() + 1 > s.size()) return 0;
  for (std::size_t k = 0; k < shape.size(); ++k) {
    if (shape[k] == 'd' ? !is_digit(s[i + k]) : s[i + k] != shape[k]) return 0;
  }
  std::size_t j = i + shape.size();
  fraction_digits = 0;
  if (s[j] == '.') {
    ++j;
    while (j < s.size() && is_digit(s[j])) ++j, ++fraction_digits;
  }
  if (j >= s.size() || s[j] != 'Z') return 0;
  return j + 1 - i;
}

bool is_uuid_at(const std::string& s, std::size_t i) {
  if (i + 36 > s.size()) return false;
  if (i > 0 && is_word(s[i - 1])) return false;
  if (i + 36 < s.size() && is_word(s[i + 36])) return false;
  for (std::size_t k = 0; k < 36; ++k) {
    bool dash = k == 8 || k == 13 || k == 18 || k == 23;
    if (dash ? s[i + k] != '-' : !is_hex(s[i + k])) return false;
  }
  return true;
}

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

void append_digits(std::string& out, std::int64_t value, int width) {
  char buf[20];
  for (int k = width - 1; k >= 0; --k) {
    buf[k] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(buf, static_cast<std::size_t>(width));
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// RFC 3339 in UTC with as many fraction digits as the template had.
void append_time(std::string& out, TimeNs t, int fraction_digits) {
  std::int64_t secs = floor_div(t, 1000000000);
  std::int64_t nanos = t - secs * 1000000000;
  std::int64_t days = floor_div(secs, 86400);
  std::int64_t sod = secs - days * 86400;
  // Days since 1970-01-01 to a civil date (proleptic Gregorian).
  days += 719468;
  std::int64_t era = floor_div(days, 146097);
  std::int64_t doe = days - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  std::int64_t year = yoe + era * 400 + (month <= 2);
  append_digits(out, year, 4);
  out += '-';
  append_digits(out, month, 2);
  out += '-';
  append_digits(out, day, 2);
  out += 'T';
  append_digits(out, sod / 3600, 2);
  out += ':';
  append_digits(out, sod / 60 % 60, 2);
  out += ':';
  append_digits(out, sod % 60, 2);
  if (fraction_digits > 0) {
    out += '.';
    std::string nine;
    append_digits(nine, nanos, 9);
    out.append(nine, 0, static_cast<std::size_t>(std::min(fraction_digits, 9)));
  }
  out += 'Z';
}

void append_uid(std::string& out, std::size_t run, std::size_t index) {
  static constexpr char hex[] = "0123456789abcdef";
  std::uint64_t a = splitmix64((static_cast<std::uint64_t>(run) << 20) ^ index);
  std::uint64_t b = splitmix64(a ^ 0x5bd1e995ULL);
  char buf[36];
  int bit = 0;
  for (int k = 0; k < 36; ++k) {
    if (k == 8 || k == 13 || k == 18 || k == 23) {
      buf[k] = '-';
      continue;
    }
    std::uint64_t word = bit < 64 ? a : b;
    buf[k] = hex[(word >> (bit % 64)) & 0xf];
    bit += 4;
  }
  buf[14] = '4';  // version 4 shape, as the API server's random uids
  out.append(buf, 36);
}

// managedFields of a real API server's pod, owned by `owner_uid` and dated
// like the pod line that receives them.
Json managed_fields_for(const Json& source_fields, const std::string& source_owner_uid, const Json& pod,
                        const std::string& observed_seconds) {
  std::string text = source_fields.dump();
  const auto& owners = pod["metadata"].value("ownerReferences", Json::array());
  if (!source_owner_uid.empty() && !owners.empty()) {
    std::string owner = owners[0].value("uid", "");
    for (std::size_t at = text.find(source_owner_uid); at != std::string::npos;
         at = text.find(source_owner_uid, at + owner.size())) {
      text.replace(at, source_owner_uid.size(), owner);
    }
  }
  Json fields = Json::parse(text);
  std::string created = pod["metadata"].value("creationTimestamp", observed_seconds);
  for (auto& entry : fields) {
    bool status = entry.value("subresource", "") == "status";
    entry["time"] = status ? observed_seconds : created;
  }
  return fields;
}

}  // namespace

std::optional<StreamGenerator> StreamGenerator::load(const StreamGeneratorOptions& options, std::string& error) {
  std::vector<std::string> template_text;
  std::vector<std::string> managed_text;
  if (!read_lines(options.template_recording, template_text, error)) return std::nullopt;
  if (!read_lines(options.managed_fields_source, managed_text, error)) return std::nullopt;

  // The first pod a controller owns: its managedFields have the entries of
  // the creating controller, the scheduler and the kubelet, as a task pod's do.
  Json source_fields;
  std::string source_owner_uid;
  for (const std::string& text : managed_text) {
    Json line = Json::parse(text, nullptr, false);
    if (line.is_discarded() || !line.contains("object")) continue;
    const Json meta = line["object"].value("metadata", Json::object());
    const Json owners = meta.value("ownerReferences", Json::array());
    if (line["object"].value("kind", "") == "Pod" && meta.contains("managedFields") && !owners.empty()) {
      source_fields = meta["managedFields"];
      source_owner_uid = owners[0].value("uid", "");
      break;
    }
  }
  if (source_fields.is_null()) {
    error = options.managed_fields_source + " has no owned pod with managedFields";
    return std::nullopt;
  }

  StreamGenerator gen;
  gen.options_ = options;
  std::map<std::string, std::size_t> uid_index;
  std::size_t number = 0;
  for (const std::string& raw : template_text) {
    ++number;
    Json line = Json::parse(raw, nullptr, false);
    if (line.is_discarded()) {
      error = options.template_recording + ":" + std::to_string(number) + ": not JSON";
      return std::nullopt;
    }
    TemplateLine t;
    t.watch_type = line.value("type", "");
    std::string observed = line.value("observedAt", "");
    auto observed_at = parse_time(observed);
    if (!observed_at) {
      error = options.template_recording + ":" + std::to_string(number) + ": no observedAt";
      return std::nullopt;
    }
    t.observed = *observed_at;
    if (t.watch_type != "WEBHOOK") {
      Json& object = line["object"];
      if (!starts_with(object["metadata"].value("name", ""), options.job_prefix)) continue;
      if (object.value("kind", "") == "Pod") {
        t.pod = true;
        std::string seconds = observed.substr(0, 19) + "Z";
        object["metadata"]["managedFields"] =
            managed_fields_for(source_fields, source_owner_uid, object, seconds);
      }
    }
    t.text = line.dump();

    const std::string& s = t.text;
    for (std::size_t at = s.find(options.name_token); at != std::string::npos;
         at = s.find(options.name_token, at + options.name_token.size())) {
      t.holes.push_back({at, options.name_token.size(), HoleKind::Name});
    }
    for (std::size_t i = 1; i < s.size(); ++i) {
      int digits = 0;
      std::size_t len = s[i - 1] == '"' && is_digit(s[i]) ? timestamp_length(s, i, digits) : 0;
      if (len != 0) {
        // Go's zero time ("unset" in go-scm payloads) stays as it is.
        if (auto value = parse_time(std::string_view(s).substr(i, len))) {
          t.holes.push_back({i, len, HoleKind::Time, *value, digits});
        }
        i += len - 1;
      } else if (is_hex(s[i]) && is_uuid_at(s, i)) {
        auto [it, added] = uid_index.emplace(s.substr(i, 36), uid_index.size());
        Hole h{i, 36, HoleKind::Uid};
        h.uid = it->second;
        t.holes.push_back(h);
        i += 35;
      }
    }
    std::sort(t.holes.begin(), t.holes.end(), [](const Hole& a, const Hole& b) { return a.pos < b.pos; });
    std::vector<Hole> disjoint;
    for (const Hole& h : t.holes) {
      if (disjoint.empty() || disjoint.back().pos + disjoint.back().len <= h.pos) disjoint.push_back(h);
    }
    t.holes = std::move(disjoint);
    gen.lines_.push_back(std::move(t));
  }
  if (gen.lines_.size() < 2) {
    error = options.template_recording + " has no lines of a job named " + options.job_prefix + "*";
    return std::nullopt;
  }
  std::stable_sort(gen.lines_.begin(), gen.lines_.end(),
                   [](const TemplateLine& a, const TemplateLine& b) { return a.observed < b.observed; });
  return gen;
}

TimeNs StreamGenerator::template_span() const { return lines_.back().observed - lines_.front().observed; }

void StreamGenerator::render(const TemplateLine& line, std::size_t run, std::string& out) const {
  const TimeNs shift = static_cast<TimeNs>(run) * options_.run_interval;
  std::size_t at = 0;
  for (const Hole& h : line.holes) {
    out.append(line.text, at, h.pos - at);
    switch (h.kind) {
      case HoleKind::Time:
        append_time(out, h.time + shift, h.fraction_digits);
        break;
      case HoleKind::Uid:
        append_uid(out, run, h.uid);
        break;
      case HoleKind::Name:
        out += options_.name_stem;
        out += std::to_string(run + 1);
        out += '-';
        break;
    }
    at = h.pos + h.len;
  }
  out.append(line.text, at, std::string::npos);
}

GeneratedStats StreamGenerator::generate_runs(std::size_t first, std::size_t count,
                                              const std::function<void(std::string_view)>& emit,
                                              const std::function<bool(std::string_view)>& keep) const {
  struct Cursor {
    TimeNs time;
    std::size_t run;
    std::size_t line;
    bool operator>(const Cursor& o) const { return time != o.time ? time > o.time : run > o.run; }
  };
  std::priority_queue<Cursor, std::vector<Cursor>, std::greater<>> next;
  for (std::size_t run = first; run < first + count; ++run) {
    next.push({lines_[0].observed + static_cast<TimeNs>(run) * options_.run_interval, run, 0});
  }
  GeneratedStats stats;
  stats.runs = count;
  std::string out;
  while (!next.empty()) {
    Cursor c = next.top();
    next.pop();
    const TemplateLine& line = lines_[c.line];
    if (!keep || keep(line.watch_type)) {
      out.clear();
      render(line, c.run, out);
      emit(out);
      ++stats.lines;
      stats.bytes += out.size();
      if (line.pod) {
        ++stats.pod_lines;
        stats.pod_bytes += out.size();
      }
    }
    if (c.line + 1 < lines_.size()) {
      next.push({lines_[c.line + 1].observed + static_cast<TimeNs>(c.run) * options_.run_interval, c.run, c.line + 1});
    }
  }
  return stats;
}

GeneratedStats StreamGenerator::generate(const std::function<void(std::string_view)>& line) const {
  return generate_runs(0, options_.runs, line);
}

std::string StreamGenerator::generate_text(GeneratedStats* stats) const {
  std::string text;
  GeneratedStats s = generate([&](std::string_view line) {
    text.append(line);
    text += '\n';
  });
  if (stats) *stats = s;
  return text;
}

}  // namespace pipetrace::bench
