// The persistent record of span IDs already put in the spool, so that after
// a restart (when the relist rebuilds the in-flight graph and the tracer
// emits again what was finished before) no span is spooled twice. One file,
// DIR/spool/emitted-spans, of framed records (span ID, when, complete or
// not); entries older than the retention window are pruned by rewriting the
// file (replaced by rename), since by then the objects have long gone.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/span.h"
#include "spool/spool_options.h"

namespace pipetrace::spool {

enum class SpooledAs {
  Never,       // not spooled before
  Incomplete,  // spooled as an in-progress snapshot (a graceful shutdown's flush)
  Complete,    // spooled finished
};

class EmittedSpanIndex {
 public:
  EmittedSpanIndex(std::string path, std::chrono::seconds retention, FsyncPolicy fsync);
  ~EmittedSpanIndex();
  EmittedSpanIndex(const EmittedSpanIndex&) = delete;
  EmittedSpanIndex& operator=(const EmittedSpanIndex&) = delete;

  // Loads the file (a torn tail is cut, corrupt records skipped) and prunes
  // it. `now`: nanoseconds since the epoch. Empty on success, else why.
  std::string open(TimeNs now);

  SpooledAs lookup(const SpanId& id) const;
  // Remembers spans as spooled (durably, as the fsync policy says).
  void remember(const std::vector<std::pair<SpanId, bool>>& spans_complete, TimeNs now);

  std::size_t size() const;
  const std::string& path() const { return path_; }

 private:
  struct Entry {
    std::int64_t seconds = 0;  // when it was spooled
    bool complete = false;
  };
  struct IdHash {
    std::size_t operator()(const SpanId& id) const;
  };

  void prune_locked(TimeNs now);
  bool reopen_for_append();

  std::string path_;
  std::chrono::seconds retention_;
  FsyncPolicy fsync_;
  mutable std::mutex mutex_;
  std::unordered_map<SpanId, Entry, IdHash> entries_;
  std::size_t records_in_file_ = 0;
  std::int64_t last_prune_seconds_ = 0;
  int fd_ = -1;
};

}  // namespace pipetrace::spool
