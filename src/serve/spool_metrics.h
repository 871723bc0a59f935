// The spool's series on /metrics, read from the spools at every scrape:
//   pipetrace_spool_oldest_dropped_spans_total{exporter}  unsent spans the size cap pushed out
//   pipetrace_spool_spans_total{exporter,outcome}          appended, exported, failed, rejected, unreadable
//   pipetrace_spool_pending_spans{exporter}                 spans waiting on disk
//   pipetrace_spool_bytes{exporter}                         size of the segment files
//   pipetrace_spool_recovered_spans_total{exporter}         spans found unsent at start-up
//   pipetrace_spool_corrupt_records_total{exporter,kind}    torn tails cut, corrupt stretches skipped
//   pipetrace_spool_duplicate_spans_skipped_total           spans not spooled twice after a restart
// The spooled exporters also count in pipetrace_spans_total like the batching ones.
#pragma once

#include "serve/serve_metrics.h"

namespace pipetrace::spool {
class SpooledOutputs;
}

namespace pipetrace::serve {

// `outputs` must outlive every scrape.
void register_spool_metrics(ServeMetrics& metrics, const spool::SpooledOutputs& outputs);

}  // namespace pipetrace::serve
