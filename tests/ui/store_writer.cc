// Fills a trace store with the example traces for the browser test, and
// prints what the test should then see (as JSON on one line), so that the
// expected numbers come from the data rather than from the test script.
//   ui_test_store_writer DIR          the example history
//   ui_test_store_writer DIR --extra  one more trace, to check live updates
#include <iostream>
#include <string>

#include "model/clock.h"
#include "store/example_traces.h"
#include "store/store_sink.h"

int main(int argc, char** argv) {
  using namespace pipetrace;
  if (argc < 2) {
    std::cerr << "usage: ui_test_store_writer DIR [--extra]\n";
    return 2;
  }
  const std::string dir = argv[1];
  const bool extra = argc > 2 && std::string(argv[2]) == "--extra";
  SystemClock clock;
  StoreOptions options;
  options.data_dir = dir;
  options.max_age = std::chrono::seconds(0);  // keep the 2024 examples
  StoreSink sink(options, clock);
  if (!sink.ok()) {
    std::cerr << "ui_test_store_writer: " << sink.open_error() << "\n";
    return 1;
  }
  if (extra) {
    examples::ExampleRunSpec spec;
    spec.key = "extra-pr-77";
    spec.change_id = "77";
    spec.start = examples::kMonday + 60 * examples::kSecond;
    sink.consume(examples::example_run(spec));
    sink.flush();
    std::cout << "{\"extraTraceId\":\"" << examples::example_run(spec).spans[0].trace_id.hex() << "\"}\n";
    return sink.failed_spans() == 0 ? 0 : 1;
  }
  const auto history = examples::example_history();
  for (const auto& batch : history) sink.consume(batch);
  sink.flush();
  const SpanBatch failing = examples::example_run(examples::failing_pr_spec());
  int errors = 0;
  for (const auto& s : failing.spans) errors += s.status == StatusCode::Error ? 1 : 0;
  int in_progress = 0;
  for (const auto& s : history.back().spans) in_progress += s.find_attribute("pipetrace.span.incomplete") ? 1 : 0;
  std::cout << "{\"traces\":" << history.size() << ",\"failingTraceId\":\"" << failing.spans[0].trace_id.hex()
            << "\",\"failingSpans\":" << failing.spans.size() << ",\"failingErrors\":" << errors
            << ",\"runningInProgress\":" << in_progress << ",\"failingStep\":\"step test\",\"collapsedTask\":\"TaskRun from-build-pack\"}\n";
  return sink.failed_spans() == 0 ? 0 : 1;
}
