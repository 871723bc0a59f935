// The rendered kustomize overlays applied with the real `kubectl apply` to
// the project's Kubernetes API test server: every object is accepted, lands
// where the overlay says (namespace, name, kind), and a second apply changes
// nothing.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>
#include <sstream>

#include "deploy_test_support.h"
#include "object_files.h"
#include "test_cluster.h"

namespace pipetrace::deploy_test {
namespace {

namespace fs = std::filesystem;

class KubectlApplyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kKubectl)) GTEST_SKIP() << "kubectl is not installed at " << kKubectl;
    ASSERT_EQ(cluster_.error(), "");
    kubeconfig_ = cluster_.write_kubeconfig();
    scratch_ = fs::path(cluster_.dir()) / "scratch";
  }

  ProcessResult kubectl(std::vector<std::string> args) {
    std::vector<std::string> argv = {kKubectl, "--kubeconfig", kubeconfig_, "--cache-dir", cluster_.dir() + "/cache"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, scratch_);
  }

  // Renders `dir` into a file and returns the objects it holds.
  std::vector<testing::Json> render(const fs::path& dir, const std::string& file_name) {
    ProcessResult rendered = kustomize(dir, scratch_);
    EXPECT_EQ(rendered.exit_code, 0) << rendered.err;
    manifest_ = (fs::path(cluster_.dir()) / file_name).string();
    std::ofstream(manifest_) << rendered.out;
    testing::ObjectFile objects = testing::read_object_file(manifest_);
    EXPECT_EQ(objects.error, "");
    return objects.objects;
  }

  // The object as the server stores it, or null when it has none.
  testing::Json stored(const testing::Json& object) {
    auto resource = cluster_.server().registry().find_kind(object["apiVersion"], object["kind"]);
    if (!resource) return nullptr;
    const auto& meta = object["metadata"];
    auto result = cluster_.server().store().get(*resource, meta.value("namespace", ""), meta["name"]);
    if (result.status >= 300) return nullptr;
    return result.body;
  }

  // As the cluster's owner would have it (`kubectl create namespace` speaks
  // protobuf, which the test server does not, so through a manifest).
  void create_namespace(const std::string& name) {
    std::string file = cluster_.dir() + "/namespace-" + name + ".yaml";
    std::ofstream(file) << "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " << name << "\n";
    ProcessResult created = kubectl({"apply", "--validate=false", "-f", file});
    ASSERT_EQ(created.exit_code, 0) << created.err;
  }

  // Applies the manifest twice: all created, then all unchanged.
  void apply_and_check(const std::vector<testing::Json>& objects) {
    ProcessResult applied = kubectl({"apply", "--validate=false", "-f", manifest_});
    ASSERT_EQ(applied.exit_code, 0) << applied.err << applied.out;
    for (const auto& object : objects) {
      const std::string what = object["kind"].get<std::string>() + " " + object["metadata"]["name"].get<std::string>();
      testing::Json body = stored(object);
      ASSERT_FALSE(body.is_null()) << what << " was not stored by the server";
      EXPECT_EQ(body["metadata"].value("namespace", ""), object["metadata"].value("namespace", "")) << what;
      // kubectl apply records what it applied; its presence shows the object
      // went through apply, not through a test shortcut.
      EXPECT_TRUE(body["metadata"].value("annotations", testing::Json::object()).contains("kubectl.kubernetes.io/last-applied-configuration"))
          << what;
      EXPECT_EQ(body["metadata"].value("labels", testing::Json::object()),
                object["metadata"].value("labels", testing::Json::object()))
          << what;
    }
    EXPECT_EQ(count_lines(applied.out, " created"), objects.size()) << applied.out;

    ProcessResult again = kubectl({"apply", "--validate=false", "-f", manifest_});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(count_lines(again.out, " unchanged"), objects.size()) << again.out;
  }

  static std::size_t count_lines(const std::string& text, const std::string& ending) {
    std::size_t n = 0;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
      if (line.size() >= ending.size() && line.compare(line.size() - ending.size(), ending.size(), ending) == 0) ++n;
    return n;
  }

  static std::set<std::string> kinds_of(const std::vector<testing::Json>& objects) {
    std::set<std::string> kinds;
    for (const auto& o : objects) kinds.insert(o["kind"].get<std::string>());
    return kinds;
  }

  testing::TestCluster cluster_;
  std::string kubeconfig_;
  fs::path scratch_;
  std::string manifest_;
};

TEST_F(KubectlApplyTest, JenkinsXOverlayAppliesIntoTheJxNamespace) {
  auto objects = render(source_path("deploy/kustomize/overlays/jenkins-x"), "jenkins-x.yaml");
  ASSERT_FALSE(objects.empty());
  EXPECT_EQ(kinds_of(objects),
            (std::set<std::string>{"ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
                                   "PersistentVolumeClaim", "Deployment", "Service"}));
  // Jenkins X owns the jx namespace; the overlay only deploys into it.
  create_namespace("jx");
  apply_and_check(objects);
  ProcessResult image = kubectl({"get", "deployment", "pipetrace", "-n", "jx", "-o",
                                 "jsonpath={.spec.template.spec.containers[0].env[?(@.name==\"LIGHTHOUSE_HMAC_KEY\")]"
                                 ".valueFrom.secretKeyRef.name}"});
  ASSERT_EQ(image.exit_code, 0) << image.err;
  EXPECT_EQ(image.out, "lighthouse-hmac-token");
}

TEST_F(KubectlApplyTest, StandaloneOverlayCreatesItsNamespaceFirst) {
  auto objects = render(source_path("deploy/kustomize/overlays/standalone"), "standalone.yaml");
  ASSERT_FALSE(objects.empty());
  EXPECT_EQ(objects.front()["kind"], "Namespace");
  apply_and_check(objects);
  ProcessResult binding = kubectl({"get", "clusterrolebinding", "pipetrace", "-o", "jsonpath={.subjects[0].namespace}"});
  ASSERT_EQ(binding.exit_code, 0) << binding.err;
  EXPECT_EQ(binding.out, "pipetrace");
}

TEST_F(KubectlApplyTest, AdmissionComponentAddsAClusterScopedWebhookConfiguration) {
  // An overlay of our own that adds the component to jenkins-x; kustomize
  // takes only relative paths to other kustomizations.
  fs::path overlay = fs::path(cluster_.dir()) / "with-admission";
  fs::create_directories(overlay);
  auto relative = [&](const std::string& p) { return fs::relative(source_path(p), overlay).string(); };
  std::ofstream(overlay / "kustomization.yaml")
      << "resources:\n  - " << relative("deploy/kustomize/overlays/jenkins-x") << "\ncomponents:\n  - "
      << relative("deploy/kustomize/components/admission") << "\n";
  auto objects = render(overlay, "with-admission.yaml");
  ASSERT_TRUE(kinds_of(objects).contains("MutatingWebhookConfiguration"));
  create_namespace("jx");
  apply_and_check(objects);
  ProcessResult webhook = kubectl({"get", "mutatingwebhookconfigurations", "pipetrace", "-o",
                                   "jsonpath={.webhooks[0].clientConfig.service.namespace}/"
                                   "{.webhooks[0].clientConfig.service.port}{.webhooks[0].clientConfig.service.path}"});
  ASSERT_EQ(webhook.exit_code, 0) << webhook.err;
  EXPECT_EQ(webhook.out, "jx/8443/admission/pods");
}

}  // namespace
}  // namespace pipetrace::deploy_test
