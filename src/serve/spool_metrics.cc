// See spool_metrics.h.
#include "serve/spool_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>

#include "spool/spooled_outputs.h"

namespace pipetrace::serve {
namespace {

// Prometheus counters only move forward: each scrape adds what the spools'
// totals gained since the previous one.
class SpoolMetricsUpdater {
 public:
  SpoolMetricsUpdater(prometheus::Registry& registry, const spool::SpooledOutputs& outputs) : outputs_(outputs) {
    dropped_ = &prometheus::BuildCounter()
                    .Name("pipetrace_spool_oldest_dropped_spans_total")
                    .Help("Unsent spans pushed out of a full spool (--spool-max-bytes), oldest first, by exporter")
                    .Register(registry);
    spans_ = &prometheus::BuildCounter()
                  .Name("pipetrace_spool_spans_total")
                  .Help("Spans through the spool by exporter and outcome: appended, exported, failed (refused for "
                        "good), rejected (partial success), unreadable, append_error")
                  .Register(registry);
    recovered_ = &prometheus::BuildCounter()
                      .Name("pipetrace_spool_recovered_spans_total")
                      .Help("Spans found unsent in the spool at start-up, by exporter")
                      .Register(registry);
    corrupt_ = &prometheus::BuildCounter()
                    .Name("pipetrace_spool_corrupt_records_total")
                    .Help("Damage found when opening the spool, by exporter and kind: torn_tail (cut away), "
                          "corrupt_region (skipped)")
                    .Register(registry);
    duplicates_ = &prometheus::BuildCounter()
                       .Name("pipetrace_spool_duplicate_spans_skipped_total")
                       .Help("Spans emitted again (after a restart) that were already spooled, so not sent twice")
                       .Register(registry)
                       .Add({});
    pending_ = &prometheus::BuildGauge()
                    .Name("pipetrace_spool_pending_spans")
                    .Help("Spans waiting in the spool for the collector, by exporter")
                    .Register(registry);
    bytes_ = &prometheus::BuildGauge()
                  .Name("pipetrace_spool_bytes")
                  .Help("Size of the spool's segment files, by exporter")
                  .Register(registry);
    update();
  }

  void update() {
    for (const auto& spool : outputs_.spools()) {
      const spool::SpoolCounters c = spool->counters();
      const std::string exporter = spool->exporter().describe();
      Reported& r = reported_[exporter];
      advance(dropped_->Add({{"exporter", exporter}}), c.log.dropped_oldest, r.dropped);
      advance(spans_->Add({{"exporter", exporter}, {"outcome", "appended"}}), c.log.appended, r.appended);
      advance(spans_->Add({{"exporter", exporter}, {"outcome", "exported"}}), c.exported, r.exported);
      advance(spans_->Add({{"exporter", exporter}, {"outcome", "failed"}}), c.failed, r.failed);
      advance(spans_->Add({{"exporter", exporter}, {"outcome", "rejected"}}), c.rejected, r.rejected);
      advance(spans_->Add({{"exporter", exporter}, {"outcome", "unreadable"}}), c.unreadable, r.unreadable);
      advance(spans_->Add({{"exporter", exporter}, {"outcome", "append_error"}}), c.append_errors, r.append_errors);
      advance(recovered_->Add({{"exporter", exporter}}), c.log.recovered, r.recovered);
      advance(corrupt_->Add({{"exporter", exporter}, {"kind", "torn_tail"}}), c.log.torn_tails, r.torn_tails);
      advance(corrupt_->Add({{"exporter", exporter}, {"kind", "corrupt_region"}}), c.log.corrupt_regions,
              r.corrupt_regions);
      pending_->Add({{"exporter", exporter}}).Set(static_cast<double>(c.log.pending));
      bytes_->Add({{"exporter", exporter}}).Set(static_cast<double>(c.log.bytes));
    }
    advance(*duplicates_, outputs_.duplicates_skipped(), duplicates_reported_);
  }

  // What pipetrace_spans_total counts for the spooled exporters.
  BatchingCounters span_counters() const {
    BatchingCounters total;
    for (const auto& spool : outputs_.spools()) {
      const spool::SpoolCounters c = spool->counters();
      total.exported += c.exported;
      total.failed += c.failed + c.unreadable + c.append_errors;
      total.dropped += c.log.dropped_oldest;
      total.rejected += c.rejected;
    }
    return total;
  }

 private:
  struct Reported {
    std::uint64_t dropped = 0, appended = 0, exported = 0, failed = 0, rejected = 0, unreadable = 0,
                  append_errors = 0, recovered = 0, torn_tails = 0, corrupt_regions = 0;
  };
  static void advance(prometheus::Counter& counter, std::uint64_t now, std::uint64_t& reported) {
    if (now > reported) counter.Increment(static_cast<double>(now - reported));
    reported = now;
  }

  const spool::SpooledOutputs& outputs_;
  prometheus::Family<prometheus::Counter>* dropped_ = nullptr;
  prometheus::Family<prometheus::Counter>* spans_ = nullptr;
  prometheus::Family<prometheus::Counter>* recovered_ = nullptr;
  prometheus::Family<prometheus::Counter>* corrupt_ = nullptr;
  prometheus::Counter* duplicates_ = nullptr;
  prometheus::Family<prometheus::Gauge>* pending_ = nullptr;
  prometheus::Family<prometheus::Gauge>* bytes_ = nullptr;
  std::map<std::string, Reported> reported_;
  std::uint64_t duplicates_reported_ = 0;
};

}  // namespace

void register_spool_metrics(ServeMetrics& metrics, const spool::SpooledOutputs& outputs) {
  auto updater = std::make_shared<SpoolMetricsUpdater>(metrics.registry(), outputs);
  metrics.add_scrape_hook([updater] { updater->update(); });
  metrics.add_span_counter_source([updater] { return updater->span_counters(); });
}

}  // namespace pipetrace::serve
