#pragma once
// The company's trunks, looked up by name (calls out) and by source address (calls in). Built
// once at start-up; read on the signalling thread.
#include <string_view>
#include <vector>

#include "pbx/trunk.hpp"

namespace dzvin::pbx {

class TrunkTable {
 public:
  // The first trunk added is the default one (ring targets and forward steps that name none).
  void add(Trunk trunk) { trunks_.push_back(std::move(trunk)); }
  const Trunk* find(std::string_view name) const;
  // `name` empty: the default trunk.
  const Trunk* find_or_default(std::string_view name) const;
  // The trunk whose sources include `source`; the first match.
  const Trunk* find_by_source(const IpEndpoint& source) const;
  bool empty() const { return trunks_.empty(); }
  const std::vector<Trunk>& all() const { return trunks_; }

 private:
  std::vector<Trunk> trunks_;
};

}  // namespace dzvin::pbx
