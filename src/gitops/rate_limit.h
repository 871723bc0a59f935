// Reads the rate-limit headers of the providers' REST APIs:
//   GitHub: X-RateLimit-Remaining / X-RateLimit-Reset (epoch seconds), and
//           Retry-After on secondary limits (403 or 429);
//   GitLab: RateLimit-Remaining / RateLimit-Reset (epoch seconds), Retry-After (429).
// A 403 is a rate-limit answer only when the headers say so (else it is a
// permission problem and must not be retried).
#pragma once

#include <map>
#include <string>

#include "model/span.h"

namespace pipetrace::gitops {

// Header names in lower case.
using ResponseHeaders = std::map<std::string, std::string>;

struct RateLimitVerdict {
  bool refused = false;    // this answer is a rate-limit refusal: retry at retry_at
  TimeNs retry_at = 0;     // when a refused request may be sent again
  bool exhausted = false;  // the budget is spent (remaining 0): hold requests until reset_at
  TimeNs reset_at = 0;
};

RateLimitVerdict read_rate_limit(int status, const ResponseHeaders& headers, TimeNs now);

}  // namespace pipetrace::gitops
