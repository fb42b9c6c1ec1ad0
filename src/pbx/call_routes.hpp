#pragma once
// Which routing scheme answers a dialled number or extension (ARCHITECTURE.md: a scheme "is
// attached to a number (DID) or an internal extension"). A number without a scheme of its own
// that is a user's name or extension rings that user (the default scheme below).
#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "pbx/routing_scheme.hpp"

namespace dzvin::pbx {

class CallRoutes {
 public:
  // Attaches `scheme` to `number` (an extension as dialled, or an E.164 number).
  void attach(std::string number, RoutingScheme scheme);
  // The scheme attached to `dialled`, or nullptr.
  const RoutingScheme* find(std::string_view dialled) const;
  std::size_t size() const { return schemes_.size(); }
  void clear() { schemes_.clear(); }

 private:
  std::map<std::string, RoutingScheme, std::less<>> schemes_;
};

// The scheme used when a user is dialled directly: ring all of the user's phones.
RoutingScheme direct_call_scheme(std::string_view user, std::chrono::seconds timeout);

// The scheme used when a user dials an external number: forward it through the default trunk.
RoutingScheme outbound_call_scheme(std::string_view e164, std::chrono::seconds timeout);

}  // namespace dzvin::pbx
