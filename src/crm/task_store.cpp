#include "crm/task_store.hpp"

#include <algorithm>
#include <chrono>

namespace dzvin::crm {

namespace {

using store::kInvalid;
using store::kNotFound;

constexpr std::string_view kTaskColumns =
    "SELECT id, tenant_id, kind, number, contact_id, assignee, assigned_by, title, detail, "
    "due_at, state, calls, first_call_id, last_call_id, voicemail_id, created_at, updated_at, "
    "closed_at, closed_by_call, closed_by FROM tasks ";

Task read_task(store::StatementLease& s) {
  Task t;
  t.id = s.column_int(0);
  t.tenant_id = s.column_int(1);
  t.kind = s.column_text(2);
  t.number = s.column_text(3);
  if (!s.column_is_null(4)) t.contact_id = s.column_int(4);
  t.assignee = s.column_text(5);
  t.assigned_by = s.column_text(6);
  t.title = s.column_text(7);
  t.detail = s.column_text(8);
  t.due_at_ms = s.column_int(9);
  t.state = parse_task_state(s.column_text(10)).value_or(TaskState::open);
  t.calls = s.column_int(11);
  t.first_call_id = s.column_text(12);
  t.last_call_id = s.column_text(13);
  if (!s.column_is_null(14)) t.voicemail_id = s.column_int(14);
  t.created_at_ms = s.column_int(15);
  t.updated_at_ms = s.column_int(16);
  if (!s.column_is_null(17)) t.closed_at_ms = s.column_int(17);
  if (!s.column_is_null(18)) t.closed_by_call = s.column_text(18);
  if (!s.column_is_null(19)) t.closed_by = s.column_text(19);
  return t;
}

}  // namespace

std::string_view to_string(TaskState state) {
  switch (state) {
    case TaskState::open:
      return "open";
    case TaskState::done:
      return "done";
    case TaskState::cancelled:
      return "cancelled";
  }
  return "open";
}

std::optional<TaskState> parse_task_state(std::string_view text) {
  for (const TaskState s : {TaskState::open, TaskState::done, TaskState::cancelled}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

std::int64_t TaskStore::now_ms() const {
  return unix_ms(clock_.wall_now());
}

Result<std::optional<Task>> TaskStore::read_one(std::string_view where, std::int64_t a,
                                                std::int64_t b, std::string_view text) {
  auto select = db_.cached(std::string(kTaskColumns) + "WHERE " + std::string(where));
  if (!select) return select.error();
  select->bind(1, a);
  if (text.empty()) {
    select->bind(2, b);
  } else {
    select->bind(2, text);
  }
  auto row = select->step();
  if (!row) return row.error();
  if (!*row) return std::optional<Task>{};
  return std::optional<Task>{read_task(*select)};
}

Result<std::optional<Task>> TaskStore::find(std::int64_t tenant_id, std::int64_t id) {
  return read_one("tenant_id = ?1 AND id = ?2", tenant_id, id, {});
}

Result<std::optional<Task>> TaskStore::open_call_back(std::int64_t tenant_id,
                                                      std::string_view number) {
  if (number.empty()) return std::optional<Task>{};
  return read_one("tenant_id = ?1 AND number = ?2 AND state = 'open' AND kind = 'call_back'",
                  tenant_id, 0, number);
}

Result<TaskChange> TaskStore::record_missed_call(std::int64_t tenant_id, const MissedCall& call) {
  if (call.number.empty()) return make_error(kInvalid, "number: required");
  auto tx = store::Transaction::begin(db_);
  if (!tx) return tx.error();
  auto existing = open_call_back(tenant_id, call.number);
  if (!existing) return existing.error();
  const std::int64_t now = now_ms();
  std::int64_t id = 0;
  if (*existing) {
    // One more call on the open task: its deadline and assignee stay (the first promise).
    auto update = db_.cached(
        "UPDATE tasks SET calls = calls + 1, last_call_id = ?1, updated_at = ?2, "
        "contact_id = coalesce(contact_id, ?3) WHERE id = ?4");
    if (!update) return update.error();
    update->bind(1, call.call_id).bind(2, now);
    update->bind_optional(3, call.contact_id);
    update->bind(4, (*existing)->id);
    if (auto done = update->run(); !done) return done.error();
    id = (*existing)->id;
  } else {
    auto insert = db_.cached(
        "INSERT INTO tasks (tenant_id, kind, number, contact_id, assignee, assigned_by, title, "
        "detail, due_at, state, calls, first_call_id, last_call_id, created_at, updated_at) "
        "VALUES (?1, 'call_back', ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'open', 1, ?9, ?9, ?10, ?10)");
    if (!insert) return insert.error();
    insert->bind(1, tenant_id).bind(2, call.number);
    insert->bind_optional(3, call.contact_id);
    insert->bind(4, call.assignee)
        .bind(5, call.assigned_by)
        .bind(6, call.title)
        .bind(7, call.detail)
        .bind(8, call.due_at_ms)
        .bind(9, call.call_id)
        .bind(10, now);
    if (auto done = insert->run(); !done) return done.error();
    id = db_.last_insert_id();
  }
  if (auto ok = tx->commit(); !ok) return ok.error();
  auto task = find(tenant_id, id);
  if (!task) return task.error();
  if (!*task) return make_error(store::kDatabaseError, "task: not stored");
  return TaskChange{std::move(**task), !*existing};
}

Result<std::optional<Task>> TaskStore::close_by_call(std::int64_t tenant_id,
                                                     std::string_view number,
                                                     std::string_view call_id) {
  auto open = open_call_back(tenant_id, number);
  if (!open || !*open) return open;
  auto update = db_.cached(
      "UPDATE tasks SET state = 'done', closed_at = ?1, closed_by_call = ?2, updated_at = ?1 "
      "WHERE id = ?3 AND state = 'open'");
  if (!update) return update.error();
  update->bind(1, now_ms()).bind(2, call_id).bind(3, (*open)->id);
  if (auto done = update->run(); !done) return done.error();
  return find(tenant_id, (*open)->id);
}

Result<std::optional<Task>> TaskStore::attach_voicemail(std::int64_t tenant_id,
                                                        std::string_view call_id,
                                                        std::int64_t voicemail_id) {
  auto task = read_one("tenant_id = ?1 AND last_call_id = ?2 AND kind = 'call_back'", tenant_id, 0,
                       call_id);
  if (!task || !*task) return task;
  auto update = db_.cached("UPDATE tasks SET voicemail_id = ?1, updated_at = ?2 WHERE id = ?3");
  if (!update) return update.error();
  update->bind(1, voicemail_id).bind(2, now_ms()).bind(3, (*task)->id);
  if (auto done = update->run(); !done) return done.error();
  return find(tenant_id, (*task)->id);
}

Result<Task> TaskStore::create(std::int64_t tenant_id, const NewTask& task) {
  if (task.title.empty() || task.title.size() > 200) {
    return make_error(kInvalid, "title: 1 to 200 bytes");
  }
  if (task.detail.size() > 10'000) return make_error(kInvalid, "detail: at most 10000 bytes");
  if (task.assignee.empty()) return make_error(kInvalid, "assignee: required");
  const std::int64_t now = now_ms();
  auto insert = db_.cached(
      "INSERT INTO tasks (tenant_id, kind, number, contact_id, assignee, assigned_by, title, "
      "detail, due_at, state, calls, first_call_id, last_call_id, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, 'form', ?6, ?7, ?8, 'open', 0, ?9, ?9, ?10, ?10)");
  if (!insert) return insert.error();
  insert->bind(1, tenant_id).bind(2, task.kind).bind(3, task.number);
  insert->bind_optional(4, task.contact_id);
  insert->bind(5, task.assignee)
      .bind(6, task.title)
      .bind(7, task.detail)
      .bind(8, task.due_at_ms)
      .bind(9, task.call_id)
      .bind(10, now);
  if (auto done = insert->run(); !done) return done.error();
  auto stored = find(tenant_id, db_.last_insert_id());
  if (!stored) return stored.error();
  if (!*stored) return make_error(store::kDatabaseError, "task: not stored");
  return std::move(**stored);
}

Result<Task> TaskStore::close(std::int64_t tenant_id, std::int64_t id, TaskState state,
                              std::string_view username) {
  if (state == TaskState::open) return make_error(kInvalid, "state: done or cancelled");
  auto update = db_.cached(
      "UPDATE tasks SET state = ?1, closed_at = ?2, closed_by = ?3, updated_at = ?2 "
      "WHERE id = ?4 AND tenant_id = ?5 AND state = 'open'");
  if (!update) return update.error();
  update->bind(1, to_string(state))
      .bind(2, now_ms())
      .bind(3, username)
      .bind(4, id)
      .bind(5, tenant_id);
  if (auto done = update->run(); !done) return done.error();
  const bool changed = db_.changes() > 0;
  auto task = find(tenant_id, id);
  if (!task) return task.error();
  if (!*task) return make_error(kNotFound, "id: no such task");
  if (!changed) return make_error(store::kConflict, "state: the task is already closed");
  return std::move(**task);
}

Result<TaskPage> TaskStore::list(std::int64_t tenant_id, const TaskFilter& filter) {
  const std::size_t limit = std::clamp<std::size_t>(filter.limit, 1, kMaxTaskPage);
  auto select =
      db_.cached(std::string(kTaskColumns) +
                 "WHERE tenant_id = ?1 AND (?2 = '' OR assignee = ?2) AND "
                 "(?3 = '' OR state = ?3) AND (?4 = 0 OR (state = 'open' AND due_at < ?5)) "
                 "AND (?6 = 0 OR id < ?6) AND (?8 = '' OR number = ?8) AND "
                 "(?9 = 0 OR contact_id = ?9) ORDER BY id DESC LIMIT ?7");
  if (!select) return select.error();
  select->bind(1, tenant_id)
      .bind(2, filter.assignee)
      .bind(3, filter.state ? to_string(*filter.state) : std::string_view(""))
      .bind(4, std::int64_t{filter.overdue_only ? 1 : 0})
      .bind(5, filter.now_ms)
      .bind(6, filter.before_id)
      .bind(7, static_cast<std::int64_t>(limit + 1))
      .bind(8, std::string_view(filter.number))
      .bind(9, filter.contact_id);
  TaskPage page;
  for (;;) {
    auto row = select->step();
    if (!row) return row.error();
    if (!*row) break;
    if (page.items.size() == limit) {
      page.next_before = page.items.back().id;
      break;
    }
    page.items.push_back(read_task(*select));
  }
  return page;
}

Result<std::vector<Task>> TaskStore::take_newly_overdue(std::int64_t now) {
  std::vector<Task> due;
  {
    auto select = db_.cached(std::string(kTaskColumns) +
                             "WHERE state = 'open' AND due_at < ?1 AND overdue_notified = 0 "
                             "ORDER BY due_at LIMIT 500");
    if (!select) return select.error();
    select->bind(1, now);
    for (;;) {
      auto row = select->step();
      if (!row) return row.error();
      if (!*row) break;
      due.push_back(read_task(*select));
    }
  }
  for (const Task& t : due) {
    auto mark = db_.cached("UPDATE tasks SET overdue_notified = 1 WHERE id = ?1");
    if (!mark) return mark.error();
    mark->bind(1, t.id);
    if (auto done = mark->run(); !done) return done.error();
  }
  return due;
}

}  // namespace dzvin::crm
