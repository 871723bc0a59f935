// Fuzz target: one kubeconfig file (kubectl's YAML) through
// load_kubeconfig_files, with the current context and with a named one. The
// loader reads files, so the input goes to one scratch file per process.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "kube/kube_config.h"

namespace {

const std::string& scratch_path() {
  static const std::string path = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "pipetrace-fuzz-kubeconfig-XXXXXX").string();
    int fd = mkstemp(pattern.data());
    if (fd < 0) std::abort();
    close(fd);
    std::atexit([] { std::remove(scratch_path().c_str()); });
    return pattern;
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = scratch_path();
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, file) != size) std::abort();
  std::fclose(file);
  for (const char* context : {"", "lab"}) {
    pipetrace::kube::KubeConfigResult result = pipetrace::kube::load_kubeconfig_files({path}, context);
    if (!result.ok() && result.error.empty()) std::abort();  // a refusal must say why
  }
  return 0;
}
