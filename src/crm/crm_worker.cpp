#include "crm/crm_worker.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

#include "base/log.hpp"
#include "crm/contact_store.hpp"
#include "crm/task_store.hpp"
#include "pbx/phone_number.hpp"
#include "pbx/routing_document.hpp"
#include "store/database.hpp"
#include "store/routing_store.hpp"

namespace dzvin::crm {

std::string_view to_string(TaskNoticeKind kind) {
  switch (kind) {
    case TaskNoticeKind::created:
      return "task.created";
    case TaskNoticeKind::updated:
      return "task.updated";
    case TaskNoticeKind::closed:
      return "task.closed";
    case TaskNoticeKind::overdue:
      return "task.overdue";
  }
  return "task.updated";
}

// The worker thread's state: its connection and stores.
struct CrmWorker::Impl {
  store::Database db;
  std::unique_ptr<ContactStore> contacts;
  std::unique_ptr<TaskStore> tasks;
};

namespace {

// The number of a call's party as the CRM keys it: E.164 for outside numbers; extensions (and
// SIP AoRs, "1001@pbx.example") as the user part; nullopt for what is neither.
std::optional<pbx::PhoneNumber> party_number(std::string_view party) {
  const auto at = party.find('@');
  if (at != std::string_view::npos) party = party.substr(0, at);
  if (party.starts_with("sip:")) party.remove_prefix(4);
  auto number = pbx::normalize_phone_number(party);
  if (!number) return std::nullopt;
  return *number;
}

// The head of the call centre in the company: the configured username when it is one of the
// company's users (the setting is the server's; another company has other users), else the
// company's first admin, the head of last resort.
std::string head_of(store::Database& db, std::int64_t tenant_id, const std::string& configured) {
  auto select = db.cached(
      "SELECT username FROM users WHERE tenant_id = ?1 ORDER BY username = ?2 DESC, "
      "role = 'admin' DESC, role = 'head' DESC, id LIMIT 1");
  if (!select) return configured;
  select->bind(1, tenant_id).bind(2, configured);
  auto row = select->step();
  return row && *row ? select->column_text(0) : configured;
}

}  // namespace

CrmWorker::CrmWorker(CrmWorkerSettings settings, const Clock& clock,
                     std::function<void(const TaskNotice&)> on_task)
    : settings_(std::move(settings)), clock_(clock), on_task_(std::move(on_task)) {
  thread_ = std::thread([this] { run(); });
}

CrmWorker::~CrmWorker() {
  stop();
}

void CrmWorker::on_call_event(const pbx::CallEvent& event) {
  if (event.kind != pbx::CallEventKind::ended &&
      event.kind != pbx::CallEventKind::voicemail_recorded) {
    return;
  }
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  if (queue_.size() >= settings_.max_queued) {
    log(LogLevel::warn, "crm.event_dropped", {{"call", event.call_uid}});
    return;
  }
  queue_.push_back(event);
  wake_.notify_one();
}

void CrmWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void CrmWorker::flush() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return (queue_.empty() && !busy_) || !thread_.joinable(); });
}

void CrmWorker::run() {
  Impl impl;
  auto opened = store::Database::open(settings_.database_path);
  if (!opened) {
    log(LogLevel::error, "crm.store_failed", {{"error", opened.error().message}});
  } else {
    impl.db = std::move(*opened);
    impl.contacts = std::make_unique<ContactStore>(impl.db, clock_);
    impl.tasks = std::make_unique<TaskStore>(impl.db, clock_);
  }
  const auto tell = [&](TaskNoticeKind kind, const Task& task, std::string email = {}) {
    log(LogLevel::info, "crm.task",
        {{"notice", to_string(kind)},
         {"task", task.id},
         {"number", task.number},
         {"assignee", task.assignee}});
    if (on_task_) on_task_(TaskNotice{kind, task, std::move(email)});
  };

  const auto handle = [&](const pbx::CallEvent& event) {
    if (!impl.tasks) return;
    if (event.kind == pbx::CallEventKind::voicemail_recorded) {
      auto task = impl.tasks->attach_voicemail(event.tenant_id, event.call_uid, event.media_id);
      if (!task) {
        log(LogLevel::error, "crm.task_failed", {{"error", task.error().message}});
      } else if (*task) {
        tell(TaskNoticeKind::updated, **task);
      }
      return;
    }
    const EndedAs ended = classify_outcome(event.detail);
    const auto caller = party_number(event.caller);
    const auto called = party_number(event.called);
    if (ended == EndedAs::answered) {
      // Either way: the missed caller called again and was answered, or we called them.
      for (const auto& party : {caller, called}) {
        // Extensions have tasks only when internal callers make them.
        if (!party ||
            (party->kind != pbx::NumberKind::e164 && !settings_.missed_calls.internal_callers)) {
          continue;
        }
        auto closed = impl.tasks->close_by_call(event.tenant_id, party->text, event.call_uid);
        if (!closed) {
          log(LogLevel::error, "crm.task_failed", {{"error", closed.error().message}});
        } else if (*closed) {
          tell(TaskNoticeKind::closed, **closed);
        }
      }
      return;
    }
    const MissedCallSettings& policy = settings_.missed_calls;
    if (ended != EndedAs::not_answered || !policy.enabled || !caller) return;
    // The routing (numbers, schedules), read when needed: a missed call is rare.
    auto stored = store::load_routing(impl.db, event.tenant_id);
    if (caller->kind != pbx::NumberKind::e164) {
      if (!policy.internal_callers) return;
      // A user's own call out that the far end did not answer is nobody's missed call: only
      // calls to an extension or to a number of the company's count.
      const bool company_number =
          stored && *stored &&
          std::any_of((*stored)->numbers.begin(), (*stored)->numbers.end(),
                      [&](const auto& n) { return called && n.first == called->text; });
      if (called && called->kind == pbx::NumberKind::e164 && !company_number) return;
    }

    auto contact = impl.contacts->find_by_number(event.tenant_id, caller->text);
    std::vector<Deal> deals;
    if (contact && *contact) {
      if (auto d = impl.contacts->deals_of(event.tenant_id, (*contact)->id); d) deals = *d;
    }
    const std::optional<Contact> known = contact ? *contact : std::nullopt;
    const std::string head = head_of(impl.db, event.tenant_id, policy.head);
    const Assignment who = choose_assignee(known, deals, head);

    // Working hours: the routing's schedule.
    std::optional<pbx::Schedule> schedule;
    if (stored && *stored) {
      if (auto doc = pbx::parse_routing_document((*stored)->document); doc) {
        for (const pbx::Schedule& s : doc->schedules) {
          if (policy.schedule.empty() || s.name() == policy.schedule) {
            schedule = s;
            break;
          }
        }
      }
    }
    const WallTime due =
        callback_deadline(event.at, schedule ? &*schedule : nullptr, policy.deadline);
    MissedCall missed;
    missed.number = caller->text;
    if (known) missed.contact_id = known->id;
    missed.assignee = who.assignee;
    missed.assigned_by = who.reason;
    missed.title = call_back_title(caller->text, known);
    missed.detail = "Missed call to " + event.called + " (" + event.detail + ")";
    missed.due_at_ms = unix_ms(due);
    missed.call_id = event.call_uid;
    auto change = impl.tasks->record_missed_call(event.tenant_id, missed);
    if (!change) {
      log(LogLevel::error, "crm.task_failed", {{"error", change.error().message}});
      return;
    }
    tell(change->created ? TaskNoticeKind::created : TaskNoticeKind::updated, change->task);
  };

  auto next_overdue_check = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait_until(lock, next_overdue_check, [&] { return stopping_ || !queue_.empty(); });
    while (!queue_.empty()) {
      pbx::CallEvent event = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
      lock.unlock();
      handle(event);
      lock.lock();
      busy_ = false;
    }
    idle_.notify_all();
    if (stopping_) break;
    if (std::chrono::steady_clock::now() >= next_overdue_check) {
      next_overdue_check = std::chrono::steady_clock::now() + settings_.overdue_check;
      lock.unlock();
      if (impl.tasks) {
        auto overdue = impl.tasks->take_newly_overdue(unix_ms(clock_.wall_now()));
        if (overdue) {
          for (const Task& t : *overdue) {
            std::string email;
            if (auto select = impl.db.cached(
                    "SELECT coalesce(email, '') FROM users WHERE tenant_id = ?1 AND username = ?2");
                select) {
              select->bind(1, t.tenant_id).bind(2, t.assignee);
              if (auto row = select->step(); row && *row) email = select->column_text(0);
            }
            tell(TaskNoticeKind::overdue, t, std::move(email));
          }
        }
      }
      lock.lock();
    }
  }
  idle_.notify_all();
}

}  // namespace dzvin::crm
