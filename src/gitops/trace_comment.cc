// See trace_comment.h.
#include "gitops/trace_comment.h"

#include <fmt/format.h>

namespace pipetrace::gitops {

std::string trace_url(const std::string& url_template, const TraceId& trace) {
  std::string url = url_template;
  const std::string placeholder = "{traceId}";
  for (std::size_t at = 0; (at = url.find(placeholder, at)) != std::string::npos;) {
    url.replace(at, placeholder.size(), trace.hex());
    at += 32;
  }
  return url;
}

std::string trace_comment_body(const std::string& url_template, const TraceId& trace) {
  if (url_template.empty()) {
    return fmt::format("{}\n:mag: **pipetrace** traces this change and its promotion: trace `{}`\n",
                       kTraceCommentMarker, trace.hex());
  }
  return fmt::format("{}\n:mag: **pipetrace** traces this change and its promotion: [trace `{}`]({})\n",
                     kTraceCommentMarker, trace.hex(), trace_url(url_template, trace));
}

ProviderResult<CommentOutcome> TraceCommentWriter::write(PrProvider& provider, const PrKey& key,
                                                         const TraceId& trace) const {
  ProviderResult<CommentOutcome> result;
  const std::string body = trace_comment_body(url_template_, trace);
  auto comments = provider.list_comments(key);
  if (!comments.ok()) {
    result.error = comments.error;
    return result;
  }
  for (const PrComment& comment : comments.value) {
    if (comment.body.find(kTraceCommentMarker) == std::string::npos) continue;
    if (comment.body == body) {
      result.value = CommentOutcome::Unchanged;
      return result;
    }
    auto updated = provider.update_comment(key, comment.id, body);
    result.error = updated.error;
    result.value = CommentOutcome::Updated;
    return result;
  }
  auto created = provider.create_comment(key, body);
  result.error = created.error;
  result.value = CommentOutcome::Created;
  return result;
}

}  // namespace pipetrace::gitops
