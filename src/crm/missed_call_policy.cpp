#include "crm/missed_call_policy.hpp"

namespace dzvin::crm {

EndedAs classify_outcome(std::string_view outcome) {
  const std::string_view word = outcome.substr(0, outcome.find(':'));
  if (word == "answered") return EndedAs::answered;
  if (word == "failed") return EndedAs::failed;
  return EndedAs::not_answered;
}

Assignment choose_assignee(const std::optional<Contact>& contact, const std::vector<Deal>& deals,
                           const std::string& head) {
  for (const Deal& deal : deals) {
    if (deal.open && !deal.owner.empty()) return {deal.owner, "deal_owner"};
  }
  if (contact && !contact->owner.empty()) return {contact->owner, "contact_owner"};
  return {head, "head"};
}

std::string call_back_title(const std::string& number, const std::optional<Contact>& contact) {
  if (!contact) return "Call back " + number;
  return "Call back " + contact->name + " (" + number + ")";
}

}  // namespace dzvin::crm
