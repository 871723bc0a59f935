// The rule that decides where pipetrace may send spans without TLS.
//
// Spans carry repository names, branch names, commit messages and, through
// headers, collector credentials, so they travel in plain text only where no
// network outside the machine or the cluster is crossed. A host qualifies
// when, after lower-casing and dropping one trailing dot, it is:
//   1. an IPv4 address in 127.0.0.0/8 (in any form inet_aton reads, such as
//      "127.1" or "2130706433"), the IPv6 address ::1, or ::ffff:127.x.y.z;
//   2. the name "localhost";
//   3. a name ending in ".svc" or ".svc.cluster.local" (a Kubernetes Service);
//   4. a single label ("collector": a Service in the same namespace);
//   5. two labels, "name.namespace", whose last label is not a top-level
//      domain of the public DNS (top_level_domains.inc, from the Public Suffix
//      List) and not all digits; "tempo.observability" qualifies,
//      "collector.io" and "tempo.ci" (ci is Côte d'Ivoire) do not; write
//      "tempo.ci.svc" for such a namespace.
// Every label must be a DNS label (letters, digits, inner hyphens, at most 63
// characters). Every other host, including private-range IPs such as pod or
// node addresses, needs TLS.
#pragma once

#include <string>
#include <string_view>

namespace pipetrace {

// True when plain text may be sent to `host` (without brackets or port).
bool plain_text_allowed_to(std::string_view host);

// True when `label` (lower case) is a top-level domain of the public DNS.
bool is_public_top_level_domain(std::string_view label);

}  // namespace pipetrace
