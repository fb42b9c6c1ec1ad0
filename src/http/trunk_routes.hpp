#pragma once
// The company's connections to its telephone providers, read-only (they are configured in the
// config file's [[trunks]], docs/trunks.md):
//   GET /api/v1/trunks   admin: {"items": [{"name", "address", "username", "caller_id",
//                        "dids", "register", "registration": {"state", "status", "reason",
//                        "attempts"} or null when the trunk does not register}]}
// Never the password.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "http/call_routes.hpp"

namespace dzvin::http {

struct TrunkRegistrationView {
  std::string state;  // registering, registered, failed, ...
  int status = 0;     // the last final response's status, 0 before one
  std::string reason;
  std::uint32_t attempts = 0;
};

struct TrunkView {
  std::string name;
  std::string address;  // host:port as configured
  std::string username;
  std::string caller_id;
  std::vector<std::string> dids;
  bool register_with_provider = false;
  std::optional<TrunkRegistrationView> registration;
};

// Called on the HTTP thread: the trunks of `tenant_id` as they are now.
using TrunkLister = std::function<std::vector<TrunkView>(std::int64_t tenant_id)>;

void add_trunk_routes(const AuthedRouteAdder& add, TrunkLister list);

}  // namespace dzvin::http
