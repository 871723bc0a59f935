// Lease acquisition, renewal and takeover (see lease_lock.h).
#include "kube/lease_lock.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kube/resource_kind.h"
#include "model/time.h"

namespace pipetrace::kube {
namespace {

const ApiResource kLeases{"coordination.k8s.io", "v1", "leases", "Lease"};

TimeNs time_field(const nlohmann::json& spec, const char* key) {
  if (!spec.contains(key) || !spec[key].is_string()) return 0;
  return parse_time(spec[key].get<std::string>()).value_or(0);
}

LeaseRecord read_record(const nlohmann::json& lease) {
  LeaseRecord record;
  if (lease.contains("metadata") && lease["metadata"].is_object())
    record.resource_version = lease["metadata"].value("resourceVersion", "");
  if (!lease.contains("spec") || !lease["spec"].is_object()) return record;
  const auto& spec = lease["spec"];
  if (spec.contains("holderIdentity") && spec["holderIdentity"].is_string())
    record.holder = spec["holderIdentity"].get<std::string>();
  if (spec.contains("leaseDurationSeconds") && spec["leaseDurationSeconds"].is_number_integer())
    record.lease_duration_seconds = spec["leaseDurationSeconds"].get<long>();
  if (spec.contains("leaseTransitions") && spec["leaseTransitions"].is_number_integer())
    record.transitions = spec["leaseTransitions"].get<long>();
  record.acquire_time = time_field(spec, "acquireTime");
  record.renew_time = time_field(spec, "renewTime");
  return record;
}

void write_spec(nlohmann::json& lease, const LeaseRecord& record) {
  auto& spec = lease["spec"];
  spec["holderIdentity"] = record.holder;
  spec["leaseDurationSeconds"] = record.lease_duration_seconds;
  spec["acquireTime"] = format_micro_time(record.acquire_time);
  spec["renewTime"] = format_micro_time(record.renew_time);
  spec["leaseTransitions"] = record.transitions;
}

}  // namespace

std::string format_micro_time(TimeNs t) {
  TimeNs seconds = t / 1000000000 * 1000000000;
  if (t < seconds) seconds -= 1000000000;
  std::string whole = format_time(seconds);  // "...:SSZ"
  whole.pop_back();
  return fmt::format("{}.{:06d}Z", whole, (t - seconds) / 1000);
}

LeaseLock::LeaseLock(ApiConnection& connection, LeaseConfig config, const Clock& clock)
    : connection_(connection), config_(std::move(config)), clock_(clock) {}

std::string LeaseLock::path() const { return kLeases.object_path(config_.ns, config_.name); }
std::string LeaseLock::collection_path() const { return kLeases.collection_path(config_.ns); }

LeaseAttempt LeaseLock::try_acquire_or_renew() {
  LeaseAttempt attempt;
  TimeNs now = clock_.now();
  std::string what = "leader election on Lease " + config_.ns + "/" + config_.name;
  ApiResponse got = connection_.request("GET", path());
  if (got.status == 404 && got.transport_code == 0) {
    LeaseRecord mine{config_.identity, static_cast<long>(config_.lease_duration.count()), now, now, 0, ""};
    nlohmann::json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                            {"kind", "Lease"},
                            {"metadata", {{"name", config_.name}, {"namespace", config_.ns}}}};
    write_spec(lease, mine);
    ApiResponse created = connection_.request("POST", collection_path(), lease.dump(), "application/json");
    if (!created.ok()) {
      attempt.result = created.status == 409 ? LeaseResult::HeldByOther : LeaseResult::Failed;
      attempt.message = connection_.describe_failure(created, what + " (creating it)");
      return attempt;
    }
    attempt.record = read_record(nlohmann::json::parse(created.body, nullptr, false));
    observed_version_ = attempt.record.resource_version;
    observed_at_ = now;
    attempt.result = LeaseResult::Acquired;
    return attempt;
  }
  if (!got.ok()) {
    attempt.message = connection_.describe_failure(got, what);
    return attempt;
  }
  nlohmann::json lease = nlohmann::json::parse(got.body, nullptr, false);
  if (!lease.is_object()) {
    attempt.message = what + ": the server's answer is not a JSON object";
    return attempt;
  }
  LeaseRecord current = read_record(lease);
  if (current.resource_version != observed_version_) {
    observed_version_ = current.resource_version;
    observed_at_ = now;
  }
  bool mine = current.holder == config_.identity;
  TimeNs duration = static_cast<TimeNs>(current.lease_duration_seconds > 0 ? current.lease_duration_seconds
                                                                           : config_.lease_duration.count()) *
                    1000000000;
  if (!mine && !current.holder.empty() && observed_at_ + duration > now) {
    attempt.result = LeaseResult::HeldByOther;
    attempt.record = current;
    attempt.message = "Lease " + config_.ns + "/" + config_.name + " is held by " + current.holder;
    return attempt;
  }
  LeaseRecord next = current;
  next.holder = config_.identity;
  next.lease_duration_seconds = static_cast<long>(config_.lease_duration.count());
  next.renew_time = now;
  if (!mine) {
    next.acquire_time = now;
    next.transitions = current.transitions + 1;
  }
  write_spec(lease, next);
  ApiResponse updated = connection_.request("PUT", path(), lease.dump(), "application/json");
  if (!updated.ok()) {
    // 409: someone else wrote the lease since we read it; they won this round.
    attempt.result = updated.status == 409 ? LeaseResult::HeldByOther : LeaseResult::Failed;
    attempt.message = connection_.describe_failure(updated, what + " (updating it)");
    return attempt;
  }
  attempt.record = read_record(nlohmann::json::parse(updated.body, nullptr, false));
  observed_version_ = attempt.record.resource_version;
  observed_at_ = now;
  attempt.result = mine ? LeaseResult::Renewed : LeaseResult::Acquired;
  return attempt;
}

bool LeaseLock::release() {
  ApiResponse got = connection_.request("GET", path());
  if (!got.ok()) return got.status == 404;
  nlohmann::json lease = nlohmann::json::parse(got.body, nullptr, false);
  if (!lease.is_object()) return false;
  LeaseRecord current = read_record(lease);
  if (current.holder != config_.identity) return true;
  current.holder.clear();
  current.lease_duration_seconds = 1;
  current.renew_time = clock_.now();
  write_spec(lease, current);
  return connection_.request("PUT", path(), lease.dump(), "application/json").ok();
}

}  // namespace pipetrace::kube
