// Small helpers over the record types.
#include "extract/records.h"

namespace pipetrace {

const std::string* find_value(const KeyValues& kv, std::string_view key) {
  for (const auto& [k, v] : kv) {
    if (k == key) return &v;
  }
  return nullptr;
}

}  // namespace pipetrace
