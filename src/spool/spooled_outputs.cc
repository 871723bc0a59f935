// See spooled_outputs.h.
#include "spool/spooled_outputs.h"

#include <spdlog/spdlog.h>

namespace pipetrace::spool {

bool is_complete(const Span& span) {
  const AttributeValue* incomplete = span.find_attribute("pipetrace.span.incomplete");
  const bool* flag = incomplete != nullptr ? std::get_if<bool>(incomplete) : nullptr;
  return flag == nullptr || !*flag;
}

SpooledOutputs::SpooledOutputs(std::unique_ptr<EmittedSpanIndex> index, std::vector<std::unique_ptr<SpoolSink>> spools,
                               const Clock& clock)
    : index_(std::move(index)), spools_(std::move(spools)), clock_(clock) {}

void SpooledOutputs::consume(const SpanBatch& batch) {
  SpanBatch fresh{batch.resource, {}};
  std::vector<std::pair<SpanId, bool>> remembered;
  std::uint64_t skipped = 0;
  for (const Span& span : batch.spans) {
    const bool complete = is_complete(span);
    const SpooledAs before = index_->lookup(span.span_id);
    if (before == SpooledAs::Complete || (before == SpooledAs::Incomplete && !complete)) {
      ++skipped;
      continue;
    }
    fresh.spans.push_back(span);
    remembered.emplace_back(span.span_id, complete);
  }
  if (skipped > 0) {
    duplicates_skipped_ += skipped;
    spdlog::debug("spool: {} spans were spooled before (emitted again after a restart); not sent twice", skipped);
  }
  if (fresh.spans.empty()) return;
  bool any_spooled = false;
  for (auto& spool : spools_) any_spooled = spool->append(fresh) || any_spooled;
  // Remembered only once on disk: a crash in between sends them again
  // rather than never.
  if (any_spooled) index_->remember(remembered, clock_.now());
}

void SpooledOutputs::flush() {
  for (auto& spool : spools_) spool->flush();
}

}  // namespace pipetrace::spool
