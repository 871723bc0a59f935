// One round of Lease-based leader election (coordination.k8s.io/v1), with
// client-go's rules: a lease is expired when its record has not changed for
// leaseDurationSeconds as measured by our own clock (never by comparing
// clocks across machines), and every write carries the resourceVersion read,
// so two candidates cannot both win.
#pragma once

#include <chrono>
#include <string>

#include "kube/api_connection.h"
#include "model/clock.h"

namespace pipetrace::kube {

struct LeaseConfig {
  std::string ns = "default";
  std::string name = "pipetrace";
  std::string identity;  // this replica (pod name, hostname)
  std::chrono::seconds lease_duration{15};
};

struct LeaseRecord {
  std::string holder;
  long lease_duration_seconds = 0;
  TimeNs acquire_time = 0;
  TimeNs renew_time = 0;
  long transitions = 0;
  std::string resource_version;
};

enum class LeaseResult { Acquired, Renewed, HeldByOther, Failed };

struct LeaseAttempt {
  LeaseResult result = LeaseResult::Failed;
  LeaseRecord record;   // as written (ours) or as read (another holder's)
  std::string message;  // why it failed, or who holds it
};

class LeaseLock {
 public:
  LeaseLock(ApiConnection& connection, LeaseConfig config, const Clock& clock);

  // Creates the lease, renews our hold on it, or takes it over once expired.
  LeaseAttempt try_acquire_or_renew();
  // Gives the lease up (empty holder) so that another replica need not wait
  // for it to expire. True when released or not ours.
  bool release();

  const LeaseConfig& config() const { return config_; }

 private:
  std::string path() const;
  std::string collection_path() const;

  ApiConnection& connection_;
  LeaseConfig config_;
  const Clock& clock_;
  std::string observed_version_;  // resourceVersion of the record last seen
  TimeNs observed_at_ = 0;        // our clock when it was first seen
};

// RFC 3339 with microseconds, as Kubernetes MicroTime fields are written.
std::string format_micro_time(TimeNs t);

}  // namespace pipetrace::kube
