#include "crm/user_hand_over.hpp"

namespace dzvin::crm {

Result<HandOver> hand_over_user(store::Database& db, std::int64_t tenant_id,
                                std::string_view leaving, std::string_view successor,
                                std::int64_t now_ms) {
  HandOver done;
  auto tx = store::Transaction::begin(db);
  if (!tx) return tx.error();
  const auto update = [&](const char* sql, bool with_successor) -> Result<std::int64_t> {
    auto statement = db.cached(sql);
    if (!statement) return statement.error();
    statement->bind(1, tenant_id).bind(2, leaving).bind(3, now_ms);
    if (with_successor) statement->bind(4, successor);
    if (auto ran = statement->run(); !ran) return ran.error();
    return db.changes();
  };
  auto tasks = update(
      "UPDATE tasks SET assignee = ?4, assigned_by = 'reassigned', updated_at = ?3 "
      "WHERE tenant_id = ?1 AND assignee = ?2 AND state = 'open'",
      true);
  if (!tasks) return tasks.error();
  auto contacts = update(
      "UPDATE contacts SET owner = '', updated_at = ?3 WHERE tenant_id = ?1 AND owner = ?2", false);
  if (!contacts) return contacts.error();
  auto deals = update(
      "UPDATE deals SET owner = '', updated_at = ?3 WHERE tenant_id = ?1 AND owner = ?2", false);
  if (!deals) return deals.error();
  if (auto ok = tx->commit(); !ok) return ok.error();
  done.tasks = *tasks;
  done.contacts = *contacts;
  done.deals = *deals;
  return done;
}

}  // namespace dzvin::crm
