// Label and field selectors as the API server takes them in list and watch
// queries: "a=b,c!=d,e,!f,g in (x,y),h notin (z)" and "metadata.name=n".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "object_files.h"

namespace pipetrace::testing {

class Selector {
 public:
  // nullopt (with `error`) for text that is not a selector.
  static std::optional<Selector> parse_labels(std::string_view text, std::string& error);
  static std::optional<Selector> parse_fields(std::string_view text, std::string& error);

  bool matches(const Json& object) const;
  bool empty() const { return requirements_.empty(); }

 private:
  enum class Op { Equals, NotEquals, Exists, NotExists, In, NotIn };
  struct Requirement {
    std::string key;
    Op op;
    std::vector<std::string> values;
  };
  static std::optional<Selector> parse(std::string_view text, bool fields, std::string& error);
  std::optional<std::string> value_of(const Json& object, const std::string& key) const;

  bool fields_ = false;
  std::vector<Requirement> requirements_;
};

}  // namespace pipetrace::testing
