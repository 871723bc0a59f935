// The tracer's shared strings: the texts of the Kubernetes Events it holds
// (reasons, components, field paths, most messages) repeat across every run
// of a pipeline, so each distinct text is kept once, counted, and dropped
// when its last holder lets it go.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pipetrace {

class StringPool {
 public:
  using Id = std::uint32_t;
  static constexpr Id kEmpty = 0;  // the empty string: always there, never counted

  StringPool() = default;
  StringPool(const StringPool&) = delete;
  StringPool& operator=(const StringPool&) = delete;

  // One more holder of `text`; its id stays valid until released as often
  // as it was acquired.
  Id acquire(std::string_view text);
  void release(Id id);
  std::string_view view(Id id) const;
  std::size_t size() const { return index_.size(); }  // distinct texts held

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Slot {
    Id id = kEmpty;
    std::uint32_t holders = 0;
  };
  using Index = std::unordered_map<std::string, Slot, Hash, std::equal_to<>>;
  Index index_;
  // id -> its entry in index_ (nodes of an unordered_map never move).
  std::vector<Index::value_type*> by_id_{nullptr};
  std::vector<Id> free_ids_;
};

}  // namespace pipetrace
