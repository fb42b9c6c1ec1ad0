#include "crm/caller_card.hpp"

namespace dzvin::crm {

Result<CallerCard> caller_card(store::Database& db, ContactStore& contacts, TaskStore& tasks,
                               std::int64_t tenant_id, std::string_view number,
                               std::string_view except_call) {
  auto normal = contact_number(number, "number");
  if (!normal) return normal.error();
  CallerCard card;
  card.number = *normal;
  auto contact = contacts.find_by_number(tenant_id, card.number);
  if (!contact) return contact.error();
  card.contact = std::move(*contact);
  if (card.contact) {
    auto deals = contacts.deals_of(tenant_id, card.contact->id);
    if (!deals) return deals.error();
    card.deals = std::move(*deals);
  }
  {
    // Two index ranges (calls_tenant_caller, calls_tenant_called) merged newest first.
    auto select = db.cached(
        "SELECT id, started_at, caller, called, coalesce(outcome, ''), coalesce(answered_by, '') "
        "FROM (SELECT * FROM (SELECT * FROM calls WHERE tenant_id = ?1 AND caller = ?2 AND "
        "id <> ?3 ORDER BY started_at DESC LIMIT ?4) UNION SELECT * FROM (SELECT * FROM calls "
        "WHERE tenant_id = ?1 AND called = ?2 AND id <> ?3 ORDER BY started_at DESC LIMIT ?4)) "
        "ORDER BY started_at DESC, id DESC LIMIT ?4");
    if (!select) return select.error();
    select->bind(1, tenant_id)
        .bind(2, card.number)
        .bind(3, except_call)
        .bind(4, static_cast<std::int64_t>(kCardCalls));
    for (;;) {
      auto row = select->step();
      if (!row) return row.error();
      if (!*row) break;
      card.recent.push_back(CardCall{select->column_text(0), select->column_int(1),
                                     select->column_text(2), select->column_text(3),
                                     select->column_text(4), select->column_text(5)});
    }
  }
  auto task = tasks.open_call_back(tenant_id, card.number);
  if (!task) return task.error();
  card.open_task = std::move(*task);
  card.primary = !card.contact && card.recent.empty();
  return card;
}

}  // namespace dzvin::crm
