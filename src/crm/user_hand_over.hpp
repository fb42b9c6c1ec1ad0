#pragma once
// When a user is deleted, nothing of theirs may be left with nobody: their open tasks go to a
// successor (the head of the call centre, or the admin who deleted them), and the contacts and
// deals they were responsible for lose their owner, so that the next missed call of such a
// customer goes by the usual rules (missed_call_policy.hpp: the head) instead of to a user who
// no longer exists.
#include <cstdint>
#include <string_view>

#include "base/result.hpp"
#include "store/database.hpp"

namespace dzvin::crm {

struct HandOver {
  std::int64_t tasks = 0;     // open tasks given to the successor
  std::int64_t contacts = 0;  // contacts without an owner now
  std::int64_t deals = 0;     // deals without an owner now
};

// In one transaction. `successor` must be a user of the company (not checked here).
Result<HandOver> hand_over_user(store::Database& db, std::int64_t tenant_id,
                                std::string_view leaving, std::string_view successor,
                                std::int64_t now_ms);

}  // namespace dzvin::crm
