// Annotation write-back by merge patch, and Lease-based leader election,
// against the test API server.
#include <gtest/gtest.h>

#include "kube/annotation_patch.h"
#include "kube/leader_elector.h"
#include "kube/lease_lock.h"
#include "kube_test_support.h"

namespace pipetrace::kube {
namespace {

using kube_test::eventually;
using kube_test::fixture;

constexpr TimeNs kSecond = 1000000000;

class LeaseAndPatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(cluster_.error(), "");
    auto loaded = load_kubeconfig_files({cluster_.write_kubeconfig()}, "");
    ASSERT_TRUE(loaded.ok()) << loaded.error;
    config_ = *loaded.config;
  }
  testing::TestCluster cluster_;
  KubeConfig config_;
};

TEST_F(LeaseAndPatchTest, AnnotationPatchSetsAndRemovesKeysAndKeepsTheRest) {
  std::string error;
  ASSERT_EQ(cluster_.server().load_file(fixture("jx/pipelines/cases/create/pipelinerun.yaml"), error), 1u);
  ApiConnection connection(config_, nullptr);
  const ApiResource runs{"tekton.dev", "v1", "pipelineruns", "PipelineRun"};
  auto r = cluster_.server().registry().find("tekton.dev", "v1", "pipelineruns");
  testing::Json before = cluster_.server().store().get(*r, "jx", "main-rvs7k").body;
  std::size_t annotations_before = before["metadata"].value("annotations", testing::Json::object()).size();

  PatchOutcome set = patch_annotations(connection, runs, "jx", "main-rvs7k",
                                       {{"pipetrace.dev/traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}});
  ASSERT_TRUE(set.ok) << set.error;
  testing::Json after = cluster_.server().store().get(*r, "jx", "main-rvs7k").body;
  EXPECT_EQ(after["metadata"]["annotations"]["pipetrace.dev/traceparent"],
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  EXPECT_EQ(after["metadata"]["annotations"].size(), annotations_before + 1);
  EXPECT_EQ(after["spec"], before["spec"]);
  EXPECT_EQ(set.resource_version, after["metadata"]["resourceVersion"]);
  EXPECT_GT(std::stoll(set.resource_version), std::stoll(before["metadata"]["resourceVersion"].get<std::string>()));

  PatchOutcome removed = patch_annotations(connection, runs, "jx", "main-rvs7k", {{"pipetrace.dev/traceparent", std::nullopt}});
  ASSERT_TRUE(removed.ok) << removed.error;
  after = cluster_.server().store().get(*r, "jx", "main-rvs7k").body;
  EXPECT_FALSE(after["metadata"].value("annotations", testing::Json::object()).contains("pipetrace.dev/traceparent"));

  PatchOutcome missing = patch_annotations(connection, runs, "jx", "no-such-run", {{"a", "b"}});
  EXPECT_FALSE(missing.ok);
  EXPECT_EQ(missing.http_status, 404);
  EXPECT_NE(missing.error.find("annotating PipelineRun jx/no-such-run"), std::string::npos) << missing.error;
  bool sent_merge_patch = false;
  for (const auto& line : cluster_.server().request_log())
    if (line.rfind("PATCH /apis/tekton.dev/v1/namespaces/jx/pipelineruns/main-rvs7k", 0) == 0) sent_merge_patch = true;
  EXPECT_TRUE(sent_merge_patch);
}

TEST_F(LeaseAndPatchTest, LeaseIsCreatedRenewedAndTakenOverOnlyOnceExpired) {
  ManualClock clock(1700000000 * kSecond);
  ApiConnection connection_a(config_, nullptr), connection_b(config_, nullptr);
  LeaseLock a(connection_a, {"default", "pipetrace", "replica-a", std::chrono::seconds(10)}, clock);
  LeaseLock b(connection_b, {"default", "pipetrace", "replica-b", std::chrono::seconds(10)}, clock);

  LeaseAttempt first = a.try_acquire_or_renew();
  ASSERT_EQ(first.result, LeaseResult::Acquired) << first.message;
  EXPECT_EQ(first.record.holder, "replica-a");
  EXPECT_EQ(first.record.transitions, 0);
  EXPECT_EQ(first.record.lease_duration_seconds, 10);
  EXPECT_EQ(b.try_acquire_or_renew().result, LeaseResult::HeldByOther);

  clock.advance(6 * kSecond);
  LeaseAttempt renewed = a.try_acquire_or_renew();
  ASSERT_EQ(renewed.result, LeaseResult::Renewed) << renewed.message;
  EXPECT_EQ(renewed.record.renew_time, clock.now());
  EXPECT_EQ(renewed.record.acquire_time, first.record.acquire_time);
  // B saw the renewal: the lease counts as fresh for B from now on.
  EXPECT_EQ(b.try_acquire_or_renew().result, LeaseResult::HeldByOther);
  clock.advance(9 * kSecond);
  EXPECT_EQ(b.try_acquire_or_renew().result, LeaseResult::HeldByOther);

  // A stops renewing; ten seconds after B last saw a change, B takes over.
  clock.advance(2 * kSecond);
  LeaseAttempt taken = b.try_acquire_or_renew();
  ASSERT_EQ(taken.result, LeaseResult::Acquired) << taken.message;
  EXPECT_EQ(taken.record.holder, "replica-b");
  EXPECT_EQ(taken.record.transitions, 1);
  EXPECT_EQ(taken.record.acquire_time, clock.now());
  LeaseAttempt lost = a.try_acquire_or_renew();
  EXPECT_EQ(lost.result, LeaseResult::HeldByOther);
  EXPECT_NE(lost.message.find("held by replica-b"), std::string::npos) << lost.message;

  auto leases = cluster_.server().registry().find("coordination.k8s.io", "v1", "leases");
  testing::Json lease = cluster_.server().store().get(*leases, "default", "pipetrace").body;
  EXPECT_EQ(lease["spec"]["holderIdentity"], "replica-b");
  EXPECT_EQ(lease["spec"]["leaseTransitions"], 1);
  EXPECT_EQ(lease["spec"]["renewTime"], format_micro_time(clock.now()));
}

TEST_F(LeaseAndPatchTest, StaleLeaseUpdateIsAConflict) {
  ManualClock clock(1700000000 * kSecond);
  ApiConnection connection(config_, nullptr);
  LeaseLock a(connection, {"default", "race", "replica-a", std::chrono::seconds(10)}, clock);
  ASSERT_EQ(a.try_acquire_or_renew().result, LeaseResult::Acquired);
  ApiResponse current = connection.request("GET", "/apis/coordination.k8s.io/v1/namespaces/default/leases/race");
  ASSERT_TRUE(current.ok());
  ASSERT_EQ(a.try_acquire_or_renew().result, LeaseResult::Renewed);
  // A write based on what was read before the renewal must lose.
  ApiResponse stale = connection.request("PUT", "/apis/coordination.k8s.io/v1/namespaces/default/leases/race",
                                         current.body, "application/json");
  EXPECT_EQ(stale.status, 409);
  EXPECT_NE(stale.status_message().find("the object has been modified"), std::string::npos);
}

TEST_F(LeaseAndPatchTest, LeaderElectorsHandOverWhenTheLeaderStops) {
  std::atomic<int> a_started{0}, a_stopped{0}, b_started{0};
  LeaderElectionOptions options;
  options.lease = {"default", "elect", "replica-a", std::chrono::seconds(1)};
  options.retry_period = std::chrono::milliseconds(50);
  options.renew_deadline = std::chrono::milliseconds(700);
  LeaderElector a(config_, options, [&] { a_started++; }, [&] { a_stopped++; });
  options.lease.identity = "replica-b";
  LeaderElector b(config_, options, [&] { b_started++; }, [] {});
  a.start();
  ASSERT_TRUE(eventually([&] { return a.is_leader(); }));
  b.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(b.is_leader());
  a.stop();  // releases the lease
  EXPECT_EQ(a_stopped.load(), 1);
  // The elector thread marks itself leader before it calls on_started.
  ASSERT_TRUE(eventually([&] { return b.is_leader() && b_started.load() > 0; }, std::chrono::seconds(5)));
  EXPECT_EQ(a_started.load(), 1);
  EXPECT_EQ(b_started.load(), 1);
  b.stop();
}

}  // namespace
}  // namespace pipetrace::kube
