// The root span of a trace: the git event that started it.
#include "link/kind_spans.h"
#include "link/span_parts.h"

namespace pipetrace::kind_spans {

using namespace span_parts;

void webhook(const WebhookRecord& r, const SpanPlacement& p, std::vector<Span>& out) {
  TimeNs at = r.timestamp != 0 ? r.timestamp : p.first_observed;
  std::string name = r.event.empty() ? "git event" : r.event;
  if (!r.action.empty()) name += "." + r.action;
  if (!r.repo_full_name.empty()) name += " " + r.repo_full_name;
  SpanPlacement root = p;
  root.unfinished = false;
  Span s = start_span(root, std::move(name), at, std::max(at, p.children_end));
  s.kind = SpanKind::Server;
  add(s, "vcs.provider.name", r.provider);
  add(s, "vcs.repository.url.full", r.repo_url);
  add(s, "vcs.repository.name", r.repo_full_name);
  add(s, "vcs.ref.head.name", r.ref);
  add(s, "vcs.ref.head.revision", r.sha);
  add(s, "vcs.ref.base.name", r.base_ref);
  add(s, "vcs.ref.base.revision", r.base_sha);
  add(s, "vcs.change.id", r.pr_number);
  add(s, "vcs.change.title", r.pr_title);
  add(s, "url.full", r.pr_url);
  add(s, "pipetrace.webhook.event", r.event);
  add(s, "pipetrace.webhook.action", r.action);
  add(s, "pipetrace.webhook.guid", r.guid);
  add(s, "pipetrace.webhook.relay", r.relay);
  add(s, "pipetrace.webhook.sender", r.sender);
  if (r.pr_merged) add_bool(s, "vcs.change.merged", true);
  if (r.provider.empty() && r.event.empty()) add_bool(s, "pipetrace.synthesized", true);
  out.push_back(std::move(s));
}

}  // namespace pipetrace::kind_spans
