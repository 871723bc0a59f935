// See segment_log.h.
#include "spool/segment_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "spool/record_framing.h"

namespace pipetrace::spool {
namespace fs = std::filesystem;

namespace {

constexpr const char* kSegmentSuffix = ".seg";
constexpr const char* kAckedFile = "acked";

std::string read_whole(const std::string& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  std::ostringstream text;
  if (ok) text << in.rdbuf();
  return text.str();
}

std::string human_bytes(std::uint64_t n) {
  if (n >= 1024ULL * 1024 * 1024) return fmt::format("{:.1f} GiB", static_cast<double>(n) / (1024.0 * 1024 * 1024));
  if (n >= 1024ULL * 1024) return fmt::format("{:.1f} MiB", static_cast<double>(n) / (1024.0 * 1024));
  return fmt::format("{} bytes", n);
}

}  // namespace

SegmentLog::SegmentLog(SpoolOptions options) : options_(std::move(options)) {}

SegmentLog::~SegmentLog() {
  std::lock_guard lock(mutex_);
  if (write_fd_ >= 0) {
    if (options_.fsync != FsyncPolicy::Never) ::fsync(write_fd_);
    ::close(write_fd_);
  }
}

std::string SegmentLog::segment_path(std::uint64_t seq) const {
  return fmt::format("{}/{:020}{}", options_.directory, seq, kSegmentSuffix);
}

std::string SegmentLog::open() {
  std::lock_guard lock(mutex_);
  std::error_code ec;
  fs::create_directories(options_.directory, ec);
  if (ec) return fmt::format("cannot create the spool directory {}: {}", options_.directory, ec.message());

  bool ok = false;
  const std::string acked_path = options_.directory + "/" + kAckedFile;
  std::string acked_text = read_whole(acked_path, ok);
  if (ok) {
    std::istringstream in(acked_text);
    std::string version;
    std::uint64_t seq = 0, offset = 0;
    if (in >> version >> seq >> offset && version == "v1") {
      acked_.segment = seq;
      acked_.offset = offset;
    } else {
      // Resending is harmless (the IDs are deterministic); losing is not.
      spdlog::warn("spool: {} is unreadable; every span still in the spool will be sent again", acked_path);
    }
  }

  std::vector<std::uint64_t> seqs;
  for (const auto& entry : fs::directory_iterator(options_.directory, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(kSegmentSuffix)) continue;
    const std::string digits = name.substr(0, name.size() - std::strlen(kSegmentSuffix));
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    seqs.push_back(std::stoull(digits));
  }
  if (ec) return fmt::format("cannot list the spool directory {}: {}", options_.directory, ec.message());
  std::sort(seqs.begin(), seqs.end());
  for (std::uint64_t seq : seqs) {
    if (seq < acked_.segment) {
      fs::remove(segment_path(seq), ec);  // wholly acknowledged before the restart
      continue;
    }
    recover_segment(seq);
  }
  // New segments come after every existing one and after the acked position.
  write_seq_ = std::max(seqs.empty() ? 0 : seqs.back(), acked_.segment);
  stats_.recovered = pending_.size();
  delete_acknowledged_segments();
  if (!pending_.empty()) {
    spdlog::info("spool: {} spans from before the restart wait in {} to be sent", pending_.size(),
                 options_.directory);
  }
  return "";
}

void SegmentLog::recover_segment(std::uint64_t seq) {
  const std::string path = segment_path(seq);
  bool ok = false;
  const std::string bytes = read_whole(path, ok);
  if (!ok) {
    spdlog::error("spool: cannot read {}; the spans in it are lost", path);
    return;
  }
  const std::uint64_t start = seq == acked_.segment ? std::min<std::uint64_t>(acked_.offset, bytes.size()) : 0;
  ScanResult scan = scan_records(bytes, start);
  if (scan.corrupt_regions > 0) {
    spdlog::warn("spool: {} holds {} corrupt stretch(es) ({} bytes) that fail their checksum; skipped, the spans "
                 "in them are lost, the records after them are kept",
                 path, scan.corrupt_regions, scan.corrupt_bytes);
    stats_.corrupt_regions += scan.corrupt_regions;
  }
  std::uint64_t size = bytes.size();
  if (scan.torn_tail) {
    spdlog::warn("spool: {} ends in an incomplete record ({} bytes, a write cut short by a crash); truncated to "
                 "its last intact record",
                 path, bytes.size() - scan.valid_end);
    ++stats_.torn_tails;
    if (::truncate(path.c_str(), static_cast<off_t>(scan.valid_end)) != 0) {
      spdlog::error("spool: cannot truncate {}: {}; new spans go to a new segment", path, std::strerror(errno));
    } else {
      size = scan.valid_end;
    }
  }
  segments_[seq] = Segment{size};
  for (const FramedRecord& r : scan.records) pending_.push_back(RecordPosition{seq, r.offset, r.size});
}

bool SegmentLog::write_all(int fd, const std::string& bytes, std::string& error) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = fmt::format("cannot write to {}: {}", segment_path(write_seq_), std::strerror(errno));
      segments_[write_seq_].bytes += done;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

void SegmentLog::sync_directory() const {
  if (options_.fsync == FsyncPolicy::Never) return;
  int fd = ::open(options_.directory.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

bool SegmentLog::rotate(std::string& error) {
  if (write_fd_ >= 0) {
    if (options_.fsync != FsyncPolicy::Never) ::fsync(write_fd_);
    ::close(write_fd_);
    write_fd_ = -1;
  }
  ++write_seq_;
  const std::string path = segment_path(write_seq_);
  write_fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (write_fd_ < 0) {
    error = fmt::format("cannot create {}: {}", path, std::strerror(errno));
    return false;
  }
  segments_[write_seq_] = Segment{0};
  sync_directory();
  return true;
}

bool SegmentLog::append(const std::vector<std::string>& payloads, std::string& error) {
  if (payloads.empty()) return true;
  std::lock_guard lock(mutex_);
  const std::uint64_t segment_limit = options_.effective_segment_bytes();
  std::string buffer;
  std::vector<RecordPosition> written;
  std::size_t buffered_from = 0;  // index in `written` of the first record in `buffer`
  auto write_buffer = [&]() -> bool {
    if (buffer.empty()) return true;
    if (!write_all(write_fd_, buffer, error)) return false;
    segments_[write_seq_].bytes += buffer.size();
    buffer.clear();
    if (options_.fsync == FsyncPolicy::Always) ::fsync(write_fd_);
    for (std::size_t i = buffered_from; i < written.size(); ++i) pending_.push_back(written[i]);
    stats_.appended += written.size() - buffered_from;
    buffered_from = written.size();
    return true;
  };
  for (const std::string& payload : payloads) {
    if (write_fd_ < 0 || segments_[write_seq_].bytes + buffer.size() >= segment_limit) {
      if (!write_buffer() || !rotate(error)) return false;
    }
    const std::uint64_t offset = segments_[write_seq_].bytes + buffer.size();
    const std::size_t before = buffer.size();
    frame_record(payload, buffer);
    written.push_back(RecordPosition{write_seq_, offset, static_cast<std::uint32_t>(buffer.size() - before)});
    if (options_.fsync == FsyncPolicy::Always && !write_buffer()) return false;
  }
  if (!write_buffer()) return false;
  if (options_.fsync == FsyncPolicy::Batch) ::fsync(write_fd_);
  enforce_cap();
  return true;
}

void SegmentLog::enforce_cap() {
  std::uint64_t total = 0;
  for (const auto& [seq, segment] : segments_) total += segment.bytes;
  while (total > options_.max_bytes && segments_.size() > 1 && segments_.begin()->first != write_seq_) {
    auto oldest = segments_.begin();
    const std::uint64_t seq = oldest->first;
    std::uint64_t dropped = 0;
    while (!pending_.empty() && pending_.front().segment == seq) {
      pending_.pop_front();
      ++dropped;
    }
    stats_.dropped_oldest += dropped;
    total -= oldest->second.bytes;
    std::error_code ec;
    fs::remove(segment_path(seq), ec);
    segments_.erase(oldest);
    if (acked_.segment <= seq) acked_ = RecordPosition{seq + 1, 0, 0};
    if (!full_logged_ && dropped > 0) {
      spdlog::error("spool: {} reached its size cap of {} (--spool-max-bytes): the oldest unsent spans are dropped "
                    "to make room ({} now; pipetrace_spool_oldest_dropped_spans_total counts them); the collector "
                    "has been unreachable or slower than spans arrive",
                    options_.directory, human_bytes(options_.max_bytes), dropped);
      full_logged_ = true;
    }
  }
  // Log again in a later outage, once this one has drained.
  if (full_logged_ && total < options_.max_bytes / 2) full_logged_ = false;
}

std::vector<RecordPosition> SegmentLog::peek(std::size_t max) const {
  std::lock_guard lock(mutex_);
  std::vector<RecordPosition> out;
  for (std::size_t i = 0; i < pending_.size() && out.size() < max; ++i) out.push_back(pending_[i]);
  return out;
}

std::vector<std::string> SegmentLog::read(const std::vector<RecordPosition>& records) const {
  std::vector<std::string> out(records.size());
  int fd = -1;
  std::uint64_t open_seq = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const RecordPosition& r = records[i];
    if (fd < 0 || open_seq != r.segment) {
      if (fd >= 0) ::close(fd);
      fd = ::open(segment_path(r.segment).c_str(), O_RDONLY | O_CLOEXEC);
      open_seq = r.segment;
    }
    if (fd < 0) continue;
    std::string bytes(r.size, '\0');
    ssize_t n = ::pread(fd, bytes.data(), r.size, static_cast<off_t>(r.offset));
    if (n != static_cast<ssize_t>(r.size)) continue;
    ScanResult scan = scan_records(bytes);
    if (scan.records.size() == 1 && scan.records[0].offset == 0) out[i] = std::string(scan.records[0].payload);
  }
  if (fd >= 0) ::close(fd);
  return out;
}

void SegmentLog::acknowledge(const RecordPosition& last) {
  std::lock_guard lock(mutex_);
  std::uint64_t count = 0;
  while (!pending_.empty() && pending_.front() <= last) {
    pending_.pop_front();
    ++count;
  }
  stats_.acknowledged += count;
  RecordPosition next{last.segment, last.offset + last.size, 0};
  if (next > acked_) acked_ = next;
  persist_acked();
  delete_acknowledged_segments();
}

void SegmentLog::persist_acked() {
  const std::string path = options_.directory + "/" + kAckedFile;
  const std::string temporary = path + ".tmp";
  const std::string text = fmt::format("v1 {} {}\n", acked_.segment, acked_.offset);
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    spdlog::warn("spool: cannot write {}: {}; after a restart some sent spans will be sent again", temporary,
                 std::strerror(errno));
    return;
  }
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (options_.fsync != FsyncPolicy::Never) ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  // rename() replaces the file whole: a crash leaves the old or the new one.
  if (!ok || ::rename(temporary.c_str(), path.c_str()) != 0) {
    spdlog::warn("spool: cannot replace {}; after a restart some sent spans will be sent again", path);
    return;
  }
  sync_directory();
}

void SegmentLog::delete_acknowledged_segments() {
  // Pending records are in order, so every segment before the first one's
  // holds nothing left to send (acknowledged, or corrupt and skipped).
  while (!segments_.empty()) {
    auto oldest = segments_.begin();
    const std::uint64_t seq = oldest->first;
    if (seq == write_seq_ || (!pending_.empty() && pending_.front().segment <= seq)) break;
    std::error_code ec;
    fs::remove(segment_path(seq), ec);
    segments_.erase(oldest);
  }
}

std::uint64_t SegmentLog::pending() const {
  std::lock_guard lock(mutex_);
  return pending_.size();
}

SegmentLogStats SegmentLog::stats() const {
  std::lock_guard lock(mutex_);
  SegmentLogStats out = stats_;
  out.pending = pending_.size();
  out.segments = segments_.size();
  for (const auto& [seq, segment] : segments_) out.bytes += segment.bytes;
  return out;
}

}  // namespace pipetrace::spool
