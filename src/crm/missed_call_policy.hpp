#pragma once
// Which ended calls become "call back" tasks, and for whom (the seeds' "nobody forgotten"):
// a call that no person answered (missed, abandoned in a menu or queue, left in voicemail,
// turned away after hours) from an outside number makes — or adds a call to — the number's one
// open call-back task, assigned to the responsible manager of the caller's open deal, else the
// contact's owner, else the head of the call centre. Pure functions: the worker (crm_worker.hpp)
// does the store and the clock.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crm/callback_deadline.hpp"
#include "crm/contact.hpp"

namespace dzvin::crm {

struct MissedCallSettings {
  bool enabled = true;
  // Username of the head of the call centre: the assignee when the caller has no manager.
  // "" (or not a user of the caller's company): the company's first admin.
  std::string head;
  CallbackDeadlineRule deadline;
  // The routing schedule whose open hours are working time; "" : the routing's first one.
  std::string schedule;
  // Calls from the company's own extensions make tasks too (normally only outside numbers).
  bool internal_callers = false;
};

enum class EndedAs : std::uint8_t { answered, not_answered, failed };

// From a call's outcome ("answered: callee hung up", "missed: no answer", "abandoned: ...",
// "voicemail: sales", "rejected: ...", "unanswered", "failed: ..."): answered by a person, not
// answered by one (a task), or failed for a technical reason (no task: nobody was reachable
// to miss it).
EndedAs classify_outcome(std::string_view outcome);

struct Assignment {
  std::string assignee;
  std::string reason;  // deal_owner, contact_owner, head
};

// `deals` as ContactStore::deals_of gives them (open first, newest first).
Assignment choose_assignee(const std::optional<Contact>& contact, const std::vector<Deal>& deals,
                           const std::string& head);

// "Call back +380501234567" / "Call back Olena Koval (+380501234567)".
std::string call_back_title(const std::string& number, const std::optional<Contact>& contact);

}  // namespace dzvin::crm
