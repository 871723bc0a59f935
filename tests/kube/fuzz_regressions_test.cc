// Kubeconfig inputs the fuzz targets (fuzz/, docs/fuzzing.md) found to break
// the loader, reduced, with the error value the fix promises instead.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "kube/kube_config.h"

namespace pipetrace::kube {
namespace {

namespace fs = std::filesystem;

class KubeConfigFuzzRegressions : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "pipetrace-fuzz-regression-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  KubeConfigResult load(const std::string& text, const std::string& context = "") {
    std::string path = dir_ + "/config";
    std::ofstream(path) << text;
    return load_kubeconfig_files({path}, context);
  }

  std::string dir_;
};

// fuzz_kube_config: an entry whose body is a scalar instead of a map threw
// yaml-cpp's BadSubscript out of the loader (a crash of `serve` at start).
TEST_F(KubeConfigFuzzRegressions, ScalarContextBodyIsAnErrorNamingTheContext) {
  KubeConfigResult result = load(
      "contexts:\n- name: lab\n  context: v1apiVersConfig-\n"
      "clusters:\n- name: c\n  cluster: {server: https://k:6443}\ncurrent-context: lab\n");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error.find("context 'lab'"), std::string::npos) << result.error;
  EXPECT_NE(result.error.find("names cluster ''"), std::string::npos) << result.error;
}

TEST_F(KubeConfigFuzzRegressions, ScalarClusterAndUserBodiesAreErrorsNotCrashes) {
  const std::string text =
      "current-context: lab\n"
      "contexts:\n- name: lab\n  context: {cluster: c, user: u}\n"
      "clusters:\n- name: c\n  cluster: https://k:6443\n"
      "users:\n- name: u\n  user: token\n";
  KubeConfigResult result = load(text);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error.find("cluster 'c'"), std::string::npos) << result.error;
  EXPECT_NE(result.error.find("has no server"), std::string::npos) << result.error;

  // With a usable cluster the scalar user reads as one with no credentials.
  KubeConfigResult user_only =
      load("current-context: lab\ncontexts:\n- name: lab\n  context: {cluster: c, user: u}\n"
           "clusters:\n- name: c\n  cluster: {server: https://k:6443}\nusers:\n- name: u\n  user: [exec]\n");
  ASSERT_TRUE(user_only.ok()) << user_only.error;
  EXPECT_EQ(user_only.config->server, "https://k:6443");
  EXPECT_TRUE(user_only.config->token.empty());
  EXPECT_EQ(user_only.config->user_name, "u");
}

}  // namespace
}  // namespace pipetrace::kube
