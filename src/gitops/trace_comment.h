// The comment pipetrace keeps on each PR: a link to the trace the PR is part
// of, with the trace ID. There is one such comment per PR: it is found again
// by a hidden HTML marker and updated in place (only when its text changes),
// never added twice.
#pragma once

#include <string>

#include "gitops/pr_provider.h"
#include "model/span.h"

namespace pipetrace::gitops {

inline constexpr const char* kTraceCommentMarker = "<!-- pipetrace:trace -->";

// `url_template` holds "{traceId}" (validated at start-up), e.g. the UI's
// "https://pipetrace.example/#/trace/{traceId}" or a Grafana/Tempo/Jaeger URL;
// empty: the comment shows the trace ID without a link.
std::string trace_url(const std::string& url_template, const TraceId& trace);
std::string trace_comment_body(const std::string& url_template, const TraceId& trace);

enum class CommentOutcome { Created, Updated, Unchanged };

class TraceCommentWriter {
 public:
  explicit TraceCommentWriter(std::string url_template) : url_template_(std::move(url_template)) {}

  ProviderResult<CommentOutcome> write(PrProvider& provider, const PrKey& key, const TraceId& trace) const;

 private:
  std::string url_template_;
};

}  // namespace pipetrace::gitops
