// The dispatcher behind extract_object: recognises the object's kind, then
// hands it to that kind's reader (kind_extractors.h). Every simdjson error
// stops here and becomes an Error result naming the object.
#include "extract/object_extractor.h"

#include <exception>
#include <type_traits>
#include <utility>
#include <variant>

#include "extract/kind_extractors.h"
#include "extract/object_identity.h"

namespace pipetrace {
namespace {

ExtractStatus error_status(std::string& message, std::string reason) {
  message = std::move(reason);
  return ExtractStatus::Error;
}

ExtractResult error_result(std::string message) {
  return ExtractResult{ExtractStatus::Error, std::nullopt, std::move(message)};
}

std::string describe(std::string_view kind, std::string_view ns, std::string_view name) {
  std::string out(kind.empty() ? "object" : kind);
  if (name.empty()) return out + " (name not read)";
  out += ' ';
  if (!ns.empty()) out.append(ns).append("/");
  return out.append(name);
}

std::string describe(const LighthouseActivityRecord& record) { return describe("ActivityRecord", {}, record.name); }

template <class Record>
std::string describe(const Record& record) {
  return describe(record.meta.kind, record.meta.ns, record.meta.name);
}

// A record of this kind, empty, in `target`: the one `target` holds, when
// it holds one, is emptied by copying an empty record over it, which keeps
// its strings' and vectors' buffers for the fields about to be read (and
// leaves no field behind, whatever fields a record gains).
template <class Record>
Record& empty_record(ResourceRecord& target) {
  if (auto* held = std::get_if<Record>(&target)) {
    static const Record kEmpty{};
    *held = kEmpty;
    return *held;
  }
  return target.emplace<Record>();
}

// The record is built in its final place, `target`: a record is large, and
// each move of it touches every string and vector it holds.
template <class Record, class Reader>
ExtractStatus read_record(json::od::object& object, ObjectIdentity& id, Reader reader, ResourceRecord& target,
                          std::string& message) {
  Record& record = empty_record<Record>(target);
  if constexpr (!std::is_same_v<Record, LighthouseActivityRecord>) {
    // Taken, not copied: the identity is not used once its record exists.
    record.meta.api_version = std::move(id.api_version);
    record.meta.kind = std::move(id.kind);
  }
  try {
    reader(object, record);
  } catch (const simdjson::simdjson_error& e) {
    return error_status(message, "malformed JSON in " + describe(record) + ": " + e.what());
  }
  return ExtractStatus::Ok;
}

std::string not_an_object_message(json::od::value& value) {
  json::od::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS) return "not valid JSON";
  switch (type) {
    case json::od::json_type::array:
      return "a JSON array, not an object (expand its elements first)";
    case json::od::json_type::string:
      return "a JSON string, not an object";
    case json::od::json_type::null:
      return "JSON null, not an object";
    default:
      return "a JSON scalar, not an object";
  }
}

ExtractStatus dispatch(json::od::object& object, ObjectIdentity& id, ResourceRecord& record, std::string& message) {
  switch (id.traced) {
    case TracedKind::LighthouseJob:
      return read_record<LighthouseJobRecord>(object, id, extract_lighthouse_job, record, message);
    case TracedKind::PipelineRun:
      return read_record<PipelineRunRecord>(object, id, extract_pipeline_run, record, message);
    case TracedKind::TaskRun:
      return read_record<TaskRunRecord>(object, id, extract_task_run, record, message);
    case TracedKind::PipelineActivity:
      return read_record<PipelineActivityRecord>(object, id, extract_pipeline_activity, record, message);
    case TracedKind::Pod:
      return read_record<PodRecord>(object, id, extract_pod, record, message);
    case TracedKind::Event:
      return read_record<EventRecord>(object, id, extract_event, record, message);
    case TracedKind::ActivityRecord:
      return read_record<LighthouseActivityRecord>(object, id, extract_activity_record, record, message);
  }
  return error_status(message, "internal error: no reader for kind " + id.kind);
}

}  // namespace

ExtractStatus extract_object_into(simdjson::ondemand::value value, std::string_view kind_hint, ResourceRecord& record,
                                  std::string& message) {
  try {
    json::od::object object;
    simdjson::error_code error = value.get_object().get(object);
    if (error == simdjson::INCORRECT_TYPE) return error_status(message, not_an_object_message(value));
    if (error != simdjson::SUCCESS) {
      return error_status(message, std::string("not valid JSON: ") + simdjson::error_message(error));
    }

    ObjectIdentity id = identify_object(object, kind_hint);
    switch (id.recognition) {
      case Recognition::Unrecognised:
        return error_status(message, "object has no apiVersion/kind and its fields match no kind pipetrace reads");
      case Recognition::NotTraced: {
        std::string what = id.api_version.empty() ? id.kind : id.kind + " (" + id.api_version + ")";
        message = "ignored " + what + ": not a kind pipetrace traces";
        return ExtractStatus::Ignored;
      }
      case Recognition::Traced:
        break;
    }
    json::take(object.reset());
    return dispatch(object, id, record, message);
  } catch (const simdjson::simdjson_error& e) {
    return error_status(message, std::string("malformed JSON: ") + e.what());
  } catch (const std::exception& e) {
    return error_status(message, std::string("could not read object: ") + e.what());
  }
}

ExtractResult extract_object(simdjson::ondemand::value value, std::string_view kind_hint) {
  ExtractResult result;
  result.status = extract_object_into(value, kind_hint, result.record.emplace(), result.message);
  if (result.status != ExtractStatus::Ok) result.record.reset();
  return result;
}

ExtractResult extract_object_json(std::string_view json, std::string_view kind_hint) {
  // One parser and buffer per thread: their allocations are reused from one
  // object to the next, which matters on the watch-event hot path.
  thread_local json::od::parser parser;
  thread_local std::string buffer;
  try {
    buffer.assign(json);
    buffer.resize(json.size() + simdjson::SIMDJSON_PADDING, '\0');
    json::od::document document;
    simdjson::error_code error = parser.iterate(buffer.data(), json.size(), buffer.size()).get(document);
    if (error == simdjson::SUCCESS) {
      json::od::value root;
      error = document.get_value().get(root);
      if (error == simdjson::SUCCESS) return extract_object(root, kind_hint);
    }
    return error_result(std::string("not valid JSON: ") + simdjson::error_message(error));
  } catch (const std::exception& e) {
    return error_result(std::string("could not read object: ") + e.what());
  }
}

}  // namespace pipetrace
