// See health_tracking_exporter.h.
#include "serve/health_tracking_exporter.h"

namespace pipetrace::serve {

ExportResult HealthTrackingExporter::export_spans(std::span<const SpanBatch> batches) {
  ExportResult result = inner_->export_spans(batches);
  failing_.store(!result.sent());
  if (!result.sent()) {
    std::lock_guard lock(mutex_);
    last_error_ = result.message;
  }
  return result;
}

std::string HealthTrackingExporter::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

}  // namespace pipetrace::serve
