// RecordingReader: loads a recording into one padded buffer, recognises its
// form and walks it unit by unit (see docs/recording-format.md).
#include "sources/recording_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <iterator>
#include <memory>
#include <cstdio>

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include "sources/json_lines_splitter.h"
#include "sources/json_unit_reader.h"
#include "sources/read_context.h"
#include "sources/recording_form.h"
#include "sources/yaml_documents.h"
#include "sources/yaml_to_json.h"

namespace pipetrace {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The replay hot path: every line is read in place from the one buffer.
void read_json_documents(const simdjson::padded_string& buffer, JsonUnitReader& units, ReadContext& context) {
  const char* data = buffer.data();
  const std::size_t capacity = buffer.size() + simdjson::SIMDJSON_PADDING;
  simdjson::ondemand::parser splitter;
  simdjson::ondemand::document_stream stream;
  // A batch as large as the text keeps every document in one batch, however large.
  std::size_t batch = std::max<std::size_t>(buffer.size(), simdjson::dom::MINIMAL_BATCH_SIZE);
  if (auto error = splitter.iterate_many(data, buffer.size(), batch).get(stream); error != simdjson::SUCCESS) {
    context.problem(1, std::string("malformed JSON (") + simdjson::error_message(error) + ")");
    return;
  }
  std::size_t counted_to = 0;
  std::size_t line = 1;
  auto line_at = [&](std::size_t offset) {
    line += static_cast<std::size_t>(std::count(data + counted_to, data + offset, '\n'));
    counted_to = offset;
    return line;
  };
  for (auto it = stream.begin(); it != stream.end(); ++it) {
    std::size_t offset = it.current_index();
    if (auto error = it.error(); error != simdjson::SUCCESS) {
      context.problem(line_at(offset), std::string("malformed JSON (") + simdjson::error_message(error) +
                                           "); the rest of the file is skipped");
      return;
    }
    std::string_view source = it.source();
    std::size_t start = static_cast<std::size_t>(source.data() - data);
    units.read(source, capacity - start, line_at(start));
  }
  if (std::size_t truncated = stream.truncated_bytes(); truncated > 0) {
    std::size_t start = buffer.size() - truncated;
    while (start < buffer.size() && is_space(data[start])) ++start;
    if (start < buffer.size()) {
      context.problem(line_at(start), "JSON ends in the middle of a document; its last " +
                                          std::to_string(buffer.size() - start) + " bytes are skipped");
    }
  }
}

void read_yaml(std::string_view text, JsonUnitReader& units, ReadContext& context) {
  for (const YamlDocumentText& document : split_yaml_documents(text)) {
    YamlConversion converted = yaml_to_json(document.text);
    if (!converted.error.empty()) {
      context.problem(document.first_line, "not valid YAML: " + converted.error);
      continue;
    }
    for (const std::string& json : converted.documents) {
      simdjson::padded_string padded(json);
      units.read(std::string_view(padded.data(), padded.size()), padded.size() + simdjson::SIMDJSON_PADDING,
                 document.first_line);
    }
  }
}

const char* form_name(RecordingForm form) {
  switch (form) {
    case RecordingForm::Empty: return "empty";
    case RecordingForm::JsonLines: return "JSON lines";
    case RecordingForm::JsonDocuments: return "JSON";
    case RecordingForm::Yaml: return "YAML";
  }
  return "?";
}

ReadSummary read_buffer(const simdjson::padded_string& buffer, const std::string& name,
                        const RecordingReader::EventHandler& on_event,
                        const RecordingReader::ProblemHandler& on_problem) {
  ReadContext context(name, on_event, on_problem);
  std::string_view text(buffer.data(), buffer.size());
  RecordingForm form = detect_recording_form(text);
  JsonUnitReader units(context);
  switch (form) {
    case RecordingForm::Empty:
      break;
    case RecordingForm::JsonLines:
      read_json_lines(buffer.data(), buffer.size(), buffer.size() + simdjson::SIMDJSON_PADDING, units);
      break;
    case RecordingForm::JsonDocuments:
      read_json_documents(buffer, units, context);
      break;
    case RecordingForm::Yaml:
      read_yaml(text, units, context);
      break;
  }
  const ReadSummary& s = context.summary();
  spdlog::debug("read {} as {}: {} events, {} ignored, {} bookmarks, {} watch errors, {} problems", name,
                form_name(form), s.events, s.ignored, s.bookmarks, s.watch_errors, s.problems);
  return s;
}

}  // namespace

RecordingReader::RecordingReader(EventHandler on_event, ProblemHandler on_problem)
    : on_event_(std::move(on_event)), on_problem_(std::move(on_problem)) {}

ReadSummary RecordingReader::read_file(const std::string& path) {
  const bool from_stdin = path == "-";
  const std::string name = from_stdin ? "<stdin>" : path;
  auto cannot_read = [&](const std::string& reason) {
    ReadSummary summary;
    summary.problems = 1;
    summary.unreadable = true;
    if (on_problem_) on_problem_(ReadProblem{name, 0, reason, false});
    return summary;
  };
  std::FILE* file = from_stdin ? stdin : std::fopen(path.c_str(), "rb");
  if (file == nullptr) return cannot_read(std::string("cannot read the file: ") + std::strerror(errno));
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(from_stdin ? nullptr : file, &std::fclose);

  // The form is told from the first chunk; only JSON lines can be split
  // into chunks, the other forms are read whole.
  // Not zero-filled: fread overwrites what is used.
  auto head_bytes = std::make_unique_for_overwrite<char[]>(kChunkBytes);
  std::size_t got = std::fread(head_bytes.get(), 1, kChunkBytes, file);
  if (std::ferror(file)) return cannot_read(std::string("cannot read the file: ") + std::strerror(errno));
  std::string_view head(head_bytes.get(), got);
  if (got == kChunkBytes && detect_recording_form(head) == RecordingForm::JsonLines) {
    ReadContext context(name, on_event_, on_problem_);
    JsonUnitReader units(context);
    std::string error;
    if (read_json_lines_chunked(file, head, kChunkBytes, units, error)) return context.summary();
    context.problem(0, error);
    ReadSummary summary = context.summary();
    summary.unreadable = true;
    return summary;
  }
  std::string whole(head);
  head_bytes.reset();
  char block[65536];
  while ((got = std::fread(block, 1, sizeof block, file)) > 0) whole.append(block, got);
  if (std::ferror(file)) return cannot_read(std::string("cannot read the file: ") + std::strerror(errno));
  simdjson::padded_string buffer(whole);
  return read_buffer(buffer, name, on_event_, on_problem_);
}

ReadSummary RecordingReader::read_text(std::string_view text, const std::string& name) {
  simdjson::padded_string buffer(text);
  return read_buffer(buffer, name, on_event_, on_problem_);
}

ReadSummary RecordingReader::read_padded(const simdjson::padded_string& text, const std::string& name) {
  return read_buffer(text, name, on_event_, on_problem_);
}

}  // namespace pipetrace
