// Fuzz target: one OTLP/JSON TracesData (a JSON-lines sink line, a request
// body) through decode_otlp_json. Whatever it accepts must survive our own
// encoder and decode again to as many spans: the JSONL sink writes what this
// decoder reads back.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sinks/otlp_json_decoder.h"
#include "sinks/otlp_json_encoder.h"

namespace {

std::size_t span_count(const pipetrace::OtlpDecodeResult& result) {
  std::size_t count = 0;
  for (const auto& batch : result.batches) count += batch.spans.size();
  return count;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pipetrace::OtlpDecodeResult first =
      pipetrace::decode_otlp_json(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!first.ok()) return 0;
  std::string again = pipetrace::encode_otlp_json(first.batches);
  pipetrace::OtlpDecodeResult second = pipetrace::decode_otlp_json(again);
  if (!second.ok() || span_count(second) != span_count(first)) std::abort();
  return 0;
}
