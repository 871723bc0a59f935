// See spool_wiring.h.
#include "serve/spool_wiring.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "serve/health_tracking_exporter.h"
#include "serve/spool_metrics.h"
#include "sinks/otlp_output.h"
#include "spool/spooled_outputs.h"

namespace pipetrace::serve {

std::string add_spooled_outputs(const ServeConfig& config, ServeMetrics& metrics, const Clock& clock,
                                std::vector<std::unique_ptr<SpanSink>>& sinks,
                                std::vector<const HealthTrackingExporter*>& exporters) {
  if (config.otlp.empty()) return "";
  std::vector<std::unique_ptr<spool::SpoolSink>> spools;
  for (OtlpExporterOptions options : config.otlp) {
    // The spool retries without end; the exporter's own backoff is capped
    // to the spool's so that a returning collector is noticed soon.
    options.retry.max_backoff = std::min(options.retry.max_backoff, config.spool.retry_max);
    options.retry.initial_backoff = std::min(options.retry.initial_backoff, options.retry.max_backoff);
    auto interrupter = std::make_shared<spool::WaitInterrupter>();
    RetryEnvironment environment;
    environment.sleep = [interrupter](std::chrono::milliseconds d) { interrupter->sleep(d); };
    auto exporter = std::make_unique<HealthTrackingExporter>(make_otlp_exporter(options, std::move(environment)));
    exporters.push_back(exporter.get());

    spool::SpoolOptions spool_options = config.spool;
    spool_options.directory =
        config.spool_dir + "/" + spool::spool_name_for(to_string(options.protocol), options.endpoint);
    spool_options.schedule_delay = config.batching.schedule_delay;
    spool_options.max_batch = config.batching.max_batch;
    auto sink = std::make_unique<spool::SpoolSink>(std::move(exporter), spool_options, interrupter);
    if (std::string error = sink->open(); !error.empty()) return error + " (--data-dir, or --no-spool)";
    spdlog::info("serve: exporting spans to {} through the spool in {} (fsync {}, at most {} bytes)",
                 sink->exporter().describe(), spool_options.directory, spool::to_string(spool_options.fsync),
                 spool_options.max_bytes);
    spools.push_back(std::move(sink));
  }
  auto index = std::make_unique<spool::EmittedSpanIndex>(config.spool_dir + "/emitted-spans",
                                                         config.spool_dedupe_window, config.spool.fsync);
  if (std::string error = index->open(clock.now()); !error.empty()) return error + " (--data-dir, or --no-spool)";
  auto outputs = std::make_unique<spool::SpooledOutputs>(std::move(index), std::move(spools), clock);
  register_spool_metrics(metrics, *outputs);
  sinks.push_back(std::move(outputs));
  return "";
}

}  // namespace pipetrace::serve
