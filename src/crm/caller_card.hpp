#pragma once
// The caller card: who is calling, for the users whose phones ring (ARCHITECTURE.md, crm/).
// One index probe for the number, then the contact's deals, the number's last calls and its
// open call-back task. "primary": a first contact (no contact, no earlier call from the
// number); "secondary": an existing client.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "crm/contact.hpp"
#include "crm/contact_store.hpp"
#include "crm/task.hpp"
#include "crm/task_store.hpp"

namespace dzvin::crm {

struct CardCall {
  std::string id;
  std::int64_t started_at_ms = 0;
  std::string caller;
  std::string called;
  std::string outcome;
  std::string answered_by;
};

struct CallerCard {
  std::string number;  // normalised
  std::optional<Contact> contact;
  std::vector<Deal> deals;       // open first
  std::vector<CardCall> recent;  // newest first, at most kCardCalls
  std::optional<Task> open_task;
  bool primary = true;
};

inline constexpr std::size_t kCardCalls = 5;

// The card for `number` (as typed or as signalled: normalised here; kInvalid when it is not a
// number). `except_call` is left out of the history (the call ringing now).
Result<CallerCard> caller_card(store::Database& db, ContactStore& contacts, TaskStore& tasks,
                               std::int64_t tenant_id, std::string_view number,
                               std::string_view except_call = {});

}  // namespace dzvin::crm
