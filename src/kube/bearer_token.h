// The bearer token sent with each request: a fixed token, or a token file
// that is re-read whenever it changes on disk (service-account tokens are
// rotated by the kubelet, which swaps the file under us).
#pragma once

#include <filesystem>
#include <mutex>
#include <string>

namespace pipetrace::kube {

class BearerToken {
 public:
  BearerToken(std::string token, std::string token_file);

  // The current token; empty when there is none or the file cannot be read.
  std::string current();
  // Forgets what was read so the next current() reads the file again (after
  // a 401, the file may have been rotated between two stat()s).
  void invalidate();

 private:
  std::mutex mutex_;
  std::string fixed_;
  std::string file_;
  std::string cached_;
  std::filesystem::file_time_type cached_mtime_{};
  std::uintmax_t cached_size_ = 0;
  bool have_cached_ = false;
};

}  // namespace pipetrace::kube
