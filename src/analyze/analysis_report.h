// `pipetrace analyze` output: readable text by default, JSON for machines.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "analyze/run_analysis.h"

namespace pipetrace {

std::string render_text(const AnalysisReport& report);
nlohmann::ordered_json render_json(const AnalysisReport& report);

// "850ms", "42s", "5m15s", "1h02m".
std::string format_span_duration(TimeNs duration);

}  // namespace pipetrace
