// JSON-lines file output through stdio: one fwrite per batch into a large
// buffer, fflush only when asked, since replay can write millions of spans.
#include "sinks/jsonl_file_sink.h"

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "sinks/otlp_json_encoder.h"

namespace pipetrace {

JsonlFileSink::JsonlFileSink(const std::string& path, JsonlFileSinkOptions options)
    : path_(path), options_(std::move(options)) {
  if (path_ == "-") {
    file_ = stdout;
    return;
  }
  if (path_.empty()) {
    error_ = "JSON-lines output needs a file path (or - for standard output)";
    return;
  }
  file_ = std::fopen(path_.c_str(), options_.append ? "ab" : "wb");
  if (file_ == nullptr) {
    error_ = "cannot open JSON-lines output " + path_ + ": " + std::strerror(errno);
    return;
  }
  owns_file_ = true;
  static constexpr std::size_t kBufferBytes = 1 << 20;
  std::setvbuf(file_, nullptr, _IOFBF, kBufferBytes);
}

JsonlFileSink::~JsonlFileSink() {
  std::lock_guard lock(mutex_);
  if (file_ == nullptr) return;
  if (std::fflush(file_) != 0) record_failure("flushing");
  if (owns_file_ && std::fclose(file_) != 0) record_failure("closing");
}

bool JsonlFileSink::ok() const {
  std::lock_guard lock(mutex_);
  return error_.empty();
}

std::string JsonlFileSink::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

std::size_t JsonlFileSink::lines_written() const {
  std::lock_guard lock(mutex_);
  return lines_written_;
}

void JsonlFileSink::record_failure(const std::string& what) {
  const std::string message = what + " JSON-lines output " + path_ + " failed: " + std::strerror(errno);
  // Log the first failure only: a full disk would otherwise log once per batch.
  if (error_.empty()) {
    error_ = message;
    spdlog::error("{}; spans written to it from now on may be lost", message);
  }
}

void JsonlFileSink::consume(const SpanBatch& batch) {
  if (batch.spans.empty()) return;
  std::lock_guard lock(mutex_);
  if (file_ == nullptr) return;
  line_.clear();
  append_otlp_json(line_, std::span<const SpanBatch>(&batch, 1), options_.scope);
  line_ += '\n';
  if (std::fwrite(line_.data(), 1, line_.size(), file_) != line_.size()) {
    record_failure("writing to");
    return;
  }
  ++lines_written_;
}

void JsonlFileSink::flush() {
  std::lock_guard lock(mutex_);
  if (file_ != nullptr && std::fflush(file_) != 0) record_failure("flushing");
}

}  // namespace pipetrace
