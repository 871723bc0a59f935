// How `serve` puts the durable spool between the tracer and its OTLP
// exporters (the default whenever a data directory is set): one spool per
// exporter under DIR/spool/<protocol>_<endpoint>/, one record of spooled
// span IDs at DIR/spool/emitted-spans, and their metrics on /metrics.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/clock.h"
#include "serve/serve_config.h"
#include "serve/serve_metrics.h"
#include "sinks/span_sink.h"

namespace pipetrace::serve {

class HealthTrackingExporter;

// Builds the spooled outputs for config.otlp, appends them to `sinks` and
// their exporters to `exporters`. Empty on success, else a message for the
// operator naming the directory at fault.
std::string add_spooled_outputs(const ServeConfig& config, ServeMetrics& metrics, const Clock& clock,
                                std::vector<std::unique_ptr<SpanSink>>& sinks,
                                std::vector<const HealthTrackingExporter*>& exporters);

}  // namespace pipetrace::serve
