// Reads the query parameters of GET /api/traces into a store filter, with an
// error naming the parameter when one is malformed.
#pragma once

#include <map>
#include <string>

#include "store/store_result.h"
#include "store/trace_records.h"

namespace pipetrace {

using QueryParams = std::multimap<std::string, std::string>;

// repository, pipeline, result, pr, commit, q, since, until (RFC 3339 or an
// age such as "24h"), limit (1..max_limit, default 50), offset.
StoreResult<TraceFilter> parse_trace_filter(const QueryParams& params, TimeNs now, int max_limit);

}  // namespace pipetrace
