#include "store/voicemail_list.hpp"

namespace dzvin::store {

Result<std::vector<VoicemailRow>> list_voicemails(Database& db, std::size_t limit) {
  auto stmt = db.prepare(
      "SELECT id, tenant_id, box, call_id, caller, called, recorded_at, duration_ms, path, heard "
      "FROM voicemails WHERE deleted_at IS NULL ORDER BY recorded_at DESC, id DESC LIMIT ?1");
  if (!stmt) return stmt.error();
  stmt->bind(1, static_cast<std::int64_t>(limit));
  std::vector<VoicemailRow> rows;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    VoicemailRow v;
    v.id = stmt->column_int(0);
    v.tenant_id = stmt->column_int(1);
    v.box = stmt->column_text(2);
    v.call_id = stmt->column_text(3);
    v.caller = stmt->column_text(4);
    v.called = stmt->column_text(5);
    v.recorded_at_ms = stmt->column_int(6);
    v.duration_ms = stmt->column_int(7);
    v.path = stmt->column_text(8);
    v.heard = stmt->column_int(9) != 0;
    rows.push_back(std::move(v));
  }
  return rows;
}

}  // namespace dzvin::store
