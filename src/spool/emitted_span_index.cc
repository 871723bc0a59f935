// See emitted_span_index.h.
#include "spool/emitted_span_index.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "spool/record_framing.h"

namespace pipetrace::spool {
namespace {

constexpr std::size_t kEntryBytes = 8 + 8 + 1;  // span ID, seconds, complete
constexpr std::int64_t kPruneEverySeconds = 3600;

std::string encode_entry(const SpanId& id, std::int64_t seconds, bool complete) {
  std::string out(reinterpret_cast<const char*>(id.bytes.data()), id.bytes.size());
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((static_cast<std::uint64_t>(seconds) >> (8 * i)) & 0xff));
  out.push_back(complete ? 1 : 0);
  return out;
}

std::int64_t seconds_of(TimeNs now) { return now / 1000000000; }

bool write_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

std::size_t EmittedSpanIndex::IdHash::operator()(const SpanId& id) const {
  std::uint64_t v = 0;
  std::memcpy(&v, id.bytes.data(), sizeof v);  // span IDs are hashes already
  return static_cast<std::size_t>(v);
}

EmittedSpanIndex::EmittedSpanIndex(std::string path, std::chrono::seconds retention, FsyncPolicy fsync)
    : path_(std::move(path)), retention_(retention), fsync_(fsync) {}

EmittedSpanIndex::~EmittedSpanIndex() {
  if (fd_ >= 0) ::close(fd_);
}

std::string EmittedSpanIndex::open(TimeNs now) {
  std::lock_guard lock(mutex_);
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
  if (ec) return fmt::format("cannot create the directory of {}: {}", path_, ec.message());
  std::ifstream in(path_, std::ios::binary);
  std::string bytes;
  if (in) {
    std::ostringstream text;
    text << in.rdbuf();
    bytes = text.str();
  }
  ScanResult scan = scan_records(bytes);
  if (scan.torn_tail || scan.corrupt_regions > 0) {
    spdlog::warn("spool: {} has {} damaged part(s) (a crash in the middle of a write); the span IDs in them may "
                 "be spooled once more",
                 path_, scan.corrupt_regions + (scan.torn_tail ? 1 : 0));
  }
  for (const FramedRecord& r : scan.records) {
    if (r.payload.size() != kEntryBytes) continue;
    SpanId id;
    std::memcpy(id.bytes.data(), r.payload.data(), 8);
    std::uint64_t seconds = 0;
    for (int i = 0; i < 8; ++i) seconds |= std::uint64_t{static_cast<unsigned char>(r.payload[8 + i])} << (8 * i);
    Entry& e = entries_[id];
    e.seconds = std::max(e.seconds, static_cast<std::int64_t>(seconds));
    e.complete = e.complete || r.payload[16] != 0;
  }
  records_in_file_ = scan.records.size();
  // Rewriting also drops a damaged tail, so that new records follow good ones.
  prune_locked(now);
  if (fd_ < 0) return fmt::format("cannot open {} for writing: {}", path_, std::strerror(errno));
  return "";
}

bool EmittedSpanIndex::reopen_for_append() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  return fd_ >= 0;
}

void EmittedSpanIndex::prune_locked(TimeNs now) {
  const std::int64_t cutoff = seconds_of(now) - retention_.count();
  std::erase_if(entries_, [&](const auto& kv) { return kv.second.seconds < cutoff; });
  last_prune_seconds_ = seconds_of(now);
  std::string bytes;
  for (const auto& [id, e] : entries_) frame_record(encode_entry(id, e.seconds, e.complete), bytes);
  const std::string temporary = path_ + ".tmp";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool ok = fd >= 0 && write_all(fd, bytes);
  if (fd >= 0) {
    if (fsync_ != FsyncPolicy::Never) ok = ::fsync(fd) == 0 && ok;
    ::close(fd);
  }
  if (ok && ::rename(temporary.c_str(), path_.c_str()) == 0) {
    records_in_file_ = entries_.size();
  } else {
    spdlog::warn("spool: cannot rewrite {} to prune it: {}; it keeps growing until the next try", path_,
                 std::strerror(errno));
  }
  reopen_for_append();
}

SpooledAs EmittedSpanIndex::lookup(const SpanId& id) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return SpooledAs::Never;
  return it->second.complete ? SpooledAs::Complete : SpooledAs::Incomplete;
}

void EmittedSpanIndex::remember(const std::vector<std::pair<SpanId, bool>>& spans_complete, TimeNs now) {
  if (spans_complete.empty()) return;
  std::lock_guard lock(mutex_);
  const std::int64_t seconds = seconds_of(now);
  std::string bytes;
  for (const auto& [id, complete] : spans_complete) {
    Entry& e = entries_[id];
    e.seconds = seconds;
    e.complete = e.complete || complete;
    frame_record(encode_entry(id, seconds, e.complete), bytes);
  }
  if (fd_ < 0 || !write_all(fd_, bytes)) {
    spdlog::warn("spool: cannot append to {}: {}; after a restart these {} spans may be spooled once more", path_,
                 std::strerror(errno), spans_complete.size());
  } else if (fsync_ != FsyncPolicy::Never) {
    ::fsync(fd_);
  }
  records_in_file_ += spans_complete.size();
  if (seconds - last_prune_seconds_ >= kPruneEverySeconds || records_in_file_ > 2 * entries_.size() + 100000) {
    prune_locked(now);
  }
}

std::size_t EmittedSpanIndex::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace pipetrace::spool
