// `pipetrace analyze (--data-dir DIR | --input FILE.jsonl) [--trace ID]
// [--since T] [--until T] [--json]`: reads traces from the store or an
// OTLP/JSON lines file and prints what made each pipeline run take as long
// as it did.
#include "cli/analyze_command.h"

#include <spdlog/spdlog.h>

#include <iostream>

#include "analyze/analysis_report.h"
#include "analyze/trace_analyzer.h"
#include "analyze/trace_sources.h"
#include "model/clock.h"
#include "store/time_bound.h"

namespace pipetrace {
namespace {

struct AnalyzeCommandOptions {
  std::string data_dir;
  std::string input;
  std::string trace_id;
  std::string since;
  std::string until;
  bool json = false;
  std::size_t top = 5;
  std::size_t max_traces = 1000;
};

int run_analyze(const AnalyzeCommandOptions& opts) {
  if (opts.data_dir.empty() == opts.input.empty()) {
    spdlog::error("analyze: give either --data-dir DIR (a trace store) or --input FILE.jsonl");
    return 2;
  }
  SystemClock clock;
  TraceSelection selection;
  selection.trace_id = opts.trace_id;
  selection.max_traces = opts.max_traces;
  for (auto [text, flag, bound] : {std::tuple{&opts.since, "--since", &selection.since},
                                   std::tuple{&opts.until, "--until", &selection.until}}) {
    if (text->empty()) continue;
    *bound = parse_time_bound(*text, clock.now());
    if (!*bound) {
      spdlog::error("analyze: {} {} is not an RFC 3339 time or an age such as 24h", flag, *text);
      return 2;
    }
  }

  std::vector<std::string> problems;
  auto traces = opts.input.empty() ? load_traces_from_store(opts.data_dir, selection)
                                   : load_traces_from_jsonl(opts.input, selection, problems);
  for (const auto& p : problems) spdlog::warn("analyze: {}", p);
  if (!traces) {
    spdlog::error("analyze: {}", traces.error());
    return 1;
  }

  AnalysisOptions options;
  options.top_steps = opts.top;
  std::vector<PipelineRunAnalysis> runs;
  for (const auto& spans : *traces) {
    auto found = analyze_trace(spans, options);
    runs.insert(runs.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
  }
  const AnalysisReport report = build_report(std::move(runs), options);
  if (opts.json) {
    std::cout << render_json(report).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  } else {
    std::cout << render_text(report);
  }
  spdlog::info("analyze: {} pipeline runs in {} traces", report.runs.size(), traces->size());
  return report.runs.empty() ? 1 : 0;
}

}  // namespace

void register_analyze_command(CLI::App& app) {
  auto opts = std::make_shared<AnalyzeCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "analyze", "Critical path, slowest steps, waiting vs pulling vs running, and the images pulled most");
  auto* dir = cmd->add_option("--data-dir", opts->data_dir, "Read traces from this trace store");
  auto* input = cmd->add_option("--input", opts->input,
                                "Read traces from an OTLP/JSON lines file (as -o jsonl:PATH writes; - for stdin)");
  dir->excludes(input);
  cmd->add_option("--trace", opts->trace_id, "Analyse only this trace (32 hex digits)");
  cmd->add_option("--since", opts->since, "Only traces that started at or after (RFC 3339, or an age: 24h, 7d)");
  cmd->add_option("--until", opts->until, "Only traces that started before (RFC 3339, or an age)");
  cmd->add_option("--top", opts->top, "Slowest steps listed per run")->capture_default_str();
  cmd->add_option("--max-traces", opts->max_traces, "Most traces read from a time range")->capture_default_str();
  cmd->add_flag("--json", opts->json, "Print JSON instead of text");
  cmd->callback([opts] {
    int rc = run_analyze(*opts);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace pipetrace
