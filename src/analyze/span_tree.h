// The spans of one trace as a tree: children by start time, parents looked
// up by ID. Spans whose parent is missing from the trace become roots.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "model/span.h"

namespace pipetrace {

class SpanTree {
 public:
  // `spans` must outlive the tree.
  explicit SpanTree(const std::vector<Span>& spans);

  const std::vector<const Span*>& roots() const { return roots_; }
  const std::vector<const Span*>& children(const Span& span) const;
  const Span* parent(const Span& span) const;
  // The span and everything below it, parents before children.
  std::vector<const Span*> subtree(const Span& span) const;
  // The value of `key` on the span or its nearest ancestor that has it.
  std::string inherited_attribute(const Span& span, std::string_view key) const;

 private:
  std::unordered_map<std::string, const Span*> by_id_;
  std::unordered_map<std::string, std::vector<const Span*>> children_;
  std::vector<const Span*> roots_;
  std::vector<const Span*> no_children_;
};

}  // namespace pipetrace
