// A SpanSink that writes one OTLP/JSON TracesData object per line, the
// format of the OpenTelemetry Collector's file exporter, so that its output
// can be read by the Collector's otlpjsonfile receiver and by our replay tests.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

#include "sinks/instrumentation_scope.h"
#include "sinks/span_sink.h"

namespace pipetrace {

struct JsonlFileSinkOptions {
  bool append = false;  // keep what the file holds instead of truncating it
  InstrumentationScope scope;
};

class JsonlFileSink final : public SpanSink {
 public:
  // Opens `path` for writing; "-" is standard output. Check ok() afterwards:
  // a sink that could not open its file drops everything it is given.
  explicit JsonlFileSink(const std::string& path, JsonlFileSinkOptions options = {});
  ~JsonlFileSink() override;
  JsonlFileSink(const JsonlFileSink&) = delete;
  JsonlFileSink& operator=(const JsonlFileSink&) = delete;

  bool ok() const;
  // Why the file could not be opened, or the first write failure; "" if none.
  std::string error() const;

  // One line per batch; batches without spans write nothing.
  void consume(const SpanBatch& batch) override;
  void flush() override;

  std::size_t lines_written() const;

 private:
  void record_failure(const std::string& what);

  const std::string path_;
  const JsonlFileSinkOptions options_;
  mutable std::mutex mutex_;
  std::FILE* file_ = nullptr;
  bool owns_file_ = false;
  std::string error_;
  std::string line_;  // reused between batches to avoid reallocating
  std::size_t lines_written_ = 0;
};

}  // namespace pipetrace
