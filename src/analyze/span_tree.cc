// Building and walking the span tree of one trace (see span_tree.h).
#include "analyze/span_tree.h"

#include <algorithm>

namespace pipetrace {
namespace {

// Bounds walks up the tree, so that a malformed cycle ends.
constexpr int kMaxDepth = 256;

bool by_start(const Span* a, const Span* b) {
  if (a->start != b->start) return a->start < b->start;
  return a->name < b->name;
}

}  // namespace

SpanTree::SpanTree(const std::vector<Span>& spans) {
  for (const auto& s : spans) by_id_[s.span_id.hex()] = &s;
  for (const auto& s : spans) {
    const Span* p = parent(s);
    if (p != nullptr && p != &s) {
      children_[p->span_id.hex()].push_back(&s);
    } else {
      roots_.push_back(&s);
    }
  }
  for (auto& [id, list] : children_) std::sort(list.begin(), list.end(), by_start);
  std::sort(roots_.begin(), roots_.end(), by_start);
}

const std::vector<const Span*>& SpanTree::children(const Span& span) const {
  auto it = children_.find(span.span_id.hex());
  return it == children_.end() ? no_children_ : it->second;
}

const Span* SpanTree::parent(const Span& span) const {
  if (span.parent_span_id.empty()) return nullptr;
  auto it = by_id_.find(span.parent_span_id.hex());
  return it == by_id_.end() ? nullptr : it->second;
}

std::vector<const Span*> SpanTree::subtree(const Span& span) const {
  std::vector<const Span*> out{&span};
  for (std::size_t i = 0; i < out.size() && out.size() <= by_id_.size(); ++i) {
    for (const Span* c : children(*out[i])) out.push_back(c);
  }
  return out;
}

std::string SpanTree::inherited_attribute(const Span& span, std::string_view key) const {
  const Span* cur = &span;
  for (int depth = 0; cur != nullptr && depth < kMaxDepth; ++depth, cur = parent(*cur)) {
    if (const auto* v = cur->find_attribute(key)) {
      if (const auto* s = std::get_if<std::string>(v)) return *s;
      if (const auto* i = std::get_if<std::int64_t>(v)) return std::to_string(*i);
    }
  }
  return {};
}

}  // namespace pipetrace
