// Replay reads recordings (docs/recording-format.md) in the order given,
// traces them with the same tracer the live service uses, and writes the
// traces in a canonical order: the same events in any order give the same
// output.
#include "cli/replay_command.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/output_spec.h"
#include "link/tracer.h"
#include "sinks/tree_printer_sink.h"
#include "sources/recording_reader.h"

namespace pipetrace {
namespace {

struct ReplayOptions {
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::string print;
  std::string cluster = "default";
  std::string service_name;
};

// Counts what passes so that the closing summary can say it.
class CountingSink final : public SpanSink {
 public:
  explicit CountingSink(SpanSink& next) : next_(next) {}
  void consume(const SpanBatch& batch) override {
    spans += batch.spans.size();
    for (const Span& s : batch.spans) {
      if (s.parent_span_id.empty()) ++roots;
      if (s.status == StatusCode::Error) ++errors;
    }
    next_.consume(batch);
  }
  void flush() override { next_.flush(); }
  std::size_t spans = 0, roots = 0, errors = 0;

 private:
  SpanSink& next_;
};

int run_replay(const ReplayOptions& opts) {
  FanOutSink fan_out;
  for (const std::string& text : opts.outputs) {
    OutputSpec spec;
    if (std::string err = parse_output_spec(text, spec); !err.empty()) {
      spdlog::error("replay: {}", err);
      return 2;
    }
    std::string err;
    auto sink = make_output_sink(spec, err);
    if (!sink) {
      spdlog::error("replay: cannot open output {}: {}", text, err);
      return 2;
    }
    fan_out.add(std::move(sink));
  }
  if (opts.print == "tree" || (opts.outputs.empty() && opts.print.empty())) {
    fan_out.add(std::make_unique<TreePrinterSink>(std::cout));
  } else if (!opts.print.empty() && opts.print != "none") {
    spdlog::error("replay: --print {} is unknown; use tree or none", opts.print);
    return 2;
  }

  TracerOptions tracer_options;
  tracer_options.cluster = opts.cluster;
  tracer_options.defer_until_flush = true;
  std::string service = opts.service_name;
  if (service.empty()) {
    const char* env = std::getenv("OTEL_SERVICE_NAME");
    service = env != nullptr && *env != '\0' ? env : "pipetrace";
  }
  tracer_options.resource.attributes.push_back({"service.name", service});
  tracer_options.resource.attributes.push_back({"k8s.cluster.name", opts.cluster});

  SystemClock clock;
  CountingSink counting(fan_out);
  Tracer tracer(tracer_options, counting, clock);
  RecordingReader reader([&](ObservedEvent&& e) { tracer.observe(std::move(e)); },
                         [](const ReadProblem& p) {
                           spdlog::warn("{}:{}: skipped: {}", p.file, p.line, p.reason);
                         });
  ReadSummary total;
  int status = 0;
  for (const std::string& input : opts.inputs) {
    ReadSummary s = reader.read_file(input);
    total.events += s.events;
    total.ignored += s.ignored;
    total.problems += s.problems;
    if (s.unreadable) status = 1;
  }
  tracer.flush();
  TracerStats stats = tracer.stats();
  spdlog::info("replay: {} events from {} input(s) -> {} spans in {} traces ({} failed spans); "
               "{} objects of untraced kinds ignored, {} lines or documents skipped, {} roots synthesized, "
               "{} events about objects never seen",
               total.events, opts.inputs.size(), counting.spans, counting.roots, counting.errors, total.ignored,
               total.problems, stats.synthesized_roots, stats.orphan_events);
  if (status != 0) spdlog::error("replay: at least one input could not be read (see above); its trace may be incomplete");
  return status;
}

}  // namespace

void register_replay_command(CLI::App& app) {
  auto opts = std::make_shared<ReplayOptions>();
  CLI::App* cmd = app.add_subcommand(
      "replay", "Trace recorded activity: watch-event JSON lines, webhook lines, or kubectl -o json/yaml dumps");
  cmd->add_option("inputs", opts->inputs, "Recording files to read, in order ('-' for standard input)")
      ->required();
  cmd->add_option("-o,--output", opts->outputs,
                  "Where to write traces (repeatable): jsonl:PATH (jsonl:- for stdout), store:DIR, "
                  "otlp-http:URL, otlp-grpc:HOST:PORT");
  cmd->add_option("--print", opts->print, "Print traces to the terminal: tree or none (default: tree when no -o)");
  cmd->add_option("--cluster", opts->cluster, "Cluster name, part of every resource's identity")
      ->capture_default_str();
  cmd->add_option("--service-name", opts->service_name,
                  "service.name of the emitted spans (default $OTEL_SERVICE_NAME, else pipetrace)");
  cmd->callback([opts] {
    int rc = run_replay(*opts);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace pipetrace
