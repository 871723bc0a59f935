// Fuzz target: OTLP protobuf bytes (an export request as the receivers and
// the spool read them) through decode_otlp_proto. What decodes must encode
// again: the spans it yields are ordinary spans.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sinks/otlp_proto_decoder.h"
#include "sinks/otlp_proto_encoder.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pipetrace::OtlpDecodeResult result =
      pipetrace::decode_otlp_proto(std::string_view(reinterpret_cast<const char*>(data), size));
  if (result.ok()) pipetrace::encode_otlp_proto(result.batches);
  return 0;
}
