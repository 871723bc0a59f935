// A SpanSink that prints each trace as a terminal waterfall: the span tree
// with offsets, durations, a bar on a shared time axis, and failures marked.
#pragma once

#include <ostream>

#include "sinks/span_sink.h"

namespace pipetrace {

struct TreePrinterOptions {
  int name_width = 56;  // the name column, indentation included
  int bar_width = 40;
};

class TreePrinterSink final : public SpanSink {
 public:
  explicit TreePrinterSink(std::ostream& out, TreePrinterOptions options = {});
  void consume(const SpanBatch& batch) override;
  void flush() override;

 private:
  std::ostream& out_;
  TreePrinterOptions options_;
};

// "850ms", "12.3s", "4m05s", "2h03m": what a person reads at a glance.
std::string format_duration(TimeNs d);

}  // namespace pipetrace
