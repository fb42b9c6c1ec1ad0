#include "pbx/call_routes.hpp"

namespace dzvin::pbx {

void CallRoutes::attach(std::string number, RoutingScheme scheme) {
  schemes_.insert_or_assign(std::move(number), std::move(scheme));
}

const RoutingScheme* CallRoutes::find(std::string_view dialled) const {
  auto it = schemes_.find(dialled);
  return it == schemes_.end() ? nullptr : &it->second;
}

RoutingScheme direct_call_scheme(std::string_view user, std::chrono::seconds timeout) {
  RingStep ring;
  ring.targets.push_back(Target{TargetKind::user, std::string(user)});
  ring.strategy = RingStrategy::simultaneous;
  ring.timeout = timeout;
  ring.skip_unavailable = true;
  RoutingScheme scheme;
  scheme.name = "direct:" + std::string(user);
  scheme.steps.emplace_back().body = std::move(ring);
  return scheme;
}

RoutingScheme outbound_call_scheme(std::string_view e164, std::chrono::seconds timeout) {
  ForwardStep forward;
  forward.to = Target{TargetKind::number, std::string(e164)};
  forward.timeout = timeout;
  RoutingScheme scheme;
  scheme.name = "outbound:" + std::string(e164);
  scheme.steps.emplace_back().body = std::move(forward);
  return scheme;
}

}  // namespace dzvin::pbx
