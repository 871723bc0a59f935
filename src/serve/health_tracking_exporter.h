// Wraps an exporter to remember whether its last export failed, so that
// /readyz can report a collector that keeps refusing or cannot be reached.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "sinks/span_exporter.h"

namespace pipetrace::serve {

class HealthTrackingExporter final : public SpanExporter {
 public:
  explicit HealthTrackingExporter(std::unique_ptr<SpanExporter> inner) : inner_(std::move(inner)) {}

  ExportResult export_spans(std::span<const SpanBatch> batches) override;
  std::string describe() const override { return inner_->describe(); }

  // True while the latest export failed (no export yet counts as healthy).
  bool failing() const { return failing_.load(); }
  std::string last_error() const;

 private:
  std::unique_ptr<SpanExporter> inner_;
  std::atomic<bool> failing_{false};
  mutable std::mutex mutex_;
  std::string last_error_;
};

}  // namespace pipetrace::serve
