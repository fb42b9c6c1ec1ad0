#pragma once
// The seed's weekly count for the secretary's work: calls from first-time callers (primary) and
// from existing clients (secondary), per person who answered and per week, with how many
// contacts each person captured that week. Weeks start on Monday in the company's zone.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "store/database.hpp"

namespace dzvin::crm {

struct OperatorWeek {
  std::string user;  // username; "" for calls nobody answered
  std::int64_t primary = 0;
  std::int64_t secondary = 0;
  std::int64_t contacts_captured = 0;
};

struct ReportWeek {
  std::chrono::year_month_day monday;
  std::vector<OperatorWeek> operators;  // by username, "" (unanswered) first
  OperatorWeek total;                   // user ""
};

// Calls (from outside numbers) that started in [from_ms, to_ms) and contacts created then.
// kInvalid for an unknown zone or a range over 366 days.
Result<std::vector<ReportWeek>> first_contact_report(store::Database& db, std::int64_t tenant_id,
                                                     std::int64_t from_ms, std::int64_t to_ms,
                                                     const std::string& time_zone);

}  // namespace dzvin::crm
