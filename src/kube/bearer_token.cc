// Token file re-reading (see bearer_token.h).
#include "kube/bearer_token.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

namespace pipetrace::kube {

BearerToken::BearerToken(std::string token, std::string token_file)
    : fixed_(std::move(token)), file_(std::move(token_file)) {}

std::string BearerToken::current() {
  if (file_.empty()) return fixed_;
  std::lock_guard lock(mutex_);
  std::error_code ec;
  auto mtime = std::filesystem::last_write_time(file_, ec);
  auto size = ec ? 0 : std::filesystem::file_size(file_, ec);
  if (ec) {
    if (have_cached_) return cached_;  // keep using the last token while the file is being swapped
    spdlog::error("cannot read the bearer token file {}: {}", file_, ec.message());
    return {};
  }
  if (have_cached_ && mtime == cached_mtime_ && size == cached_size_) return cached_;
  std::ifstream in(file_, std::ios::binary);
  if (!in) {
    if (have_cached_) return cached_;
    spdlog::error("cannot open the bearer token file {}", file_);
    return {};
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  if (have_cached_ && token != cached_) spdlog::info("the bearer token in {} was rotated; using the new one", file_);
  cached_ = std::move(token);
  cached_mtime_ = mtime;
  cached_size_ = size;
  have_cached_ = true;
  return cached_;
}

void BearerToken::invalidate() {
  std::lock_guard lock(mutex_);
  cached_size_ = static_cast<std::uintmax_t>(-1);
}

}  // namespace pipetrace::kube
