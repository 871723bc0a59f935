// Parses -o/--output values ("jsonl:PATH", "store:DIR", "otlp-http:URL",
// "otlp-grpc:HOST:PORT") and builds the sink each one names.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sinks/span_sink.h"

namespace pipetrace {

struct OutputSpec {
  std::string type;    // jsonl | store | otlp-http | otlp-grpc
  std::string target;  // path, directory, URL or host:port
};

// Returns an error message naming the bad value, or "" on success.
std::string parse_output_spec(const std::string& text, OutputSpec& out);

// A sink that hands each batch to several sinks in turn.
class FanOutSink final : public SpanSink {
 public:
  void add(std::unique_ptr<SpanSink> sink) { sinks_.push_back(std::move(sink)); }
  void consume(const SpanBatch& batch) override {
    for (auto& s : sinks_) s->consume(batch);
  }
  void flush() override {
    for (auto& s : sinks_) s->flush();
  }
  bool empty() const { return sinks_.empty(); }

 private:
  std::vector<std::unique_ptr<SpanSink>> sinks_;
};

// Builds the sink for one output; on failure returns nullptr and sets error.
std::unique_ptr<SpanSink> make_output_sink(const OutputSpec& spec, std::string& error);

}  // namespace pipetrace
