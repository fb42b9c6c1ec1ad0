#include "pbx/trunk_table.hpp"

namespace dzvin::pbx {

const Trunk* TrunkTable::find(std::string_view name) const {
  for (const Trunk& t : trunks_) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const Trunk* TrunkTable::find_or_default(std::string_view name) const {
  if (name.empty()) return trunks_.empty() ? nullptr : &trunks_.front();
  return find(name);
}

const Trunk* TrunkTable::find_by_source(const IpEndpoint& source) const {
  for (const Trunk& t : trunks_) {
    for (const TrunkSource& s : t.sources) {
      if (s.matches(source)) return &t;
    }
  }
  return nullptr;
}

}  // namespace dzvin::pbx
