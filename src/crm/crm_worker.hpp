#pragma once
// The CRM's side of the call engine's events: on a thread of its own (store writes never on
// the signalling thread), it turns calls nobody answered into call-back tasks (missed_call_
// policy.hpp), closes a number's task when a call with it is answered (the caller calls again
// and is answered, or somebody calls the number back and talks), links voicemail messages to
// their task, and reports tasks that become overdue. What changed is told to `on_task` (the
// live events, e-mail), on the worker thread.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "base/clock.hpp"
#include "crm/missed_call_policy.hpp"
#include "crm/task.hpp"
#include "pbx/call_event.hpp"

namespace dzvin::crm {

enum class TaskNoticeKind : std::uint8_t { created, updated, closed, overdue };
std::string_view to_string(TaskNoticeKind kind);  // "task.created", ...

struct TaskNotice {
  TaskNoticeKind kind = TaskNoticeKind::created;
  Task task;
  std::string assignee_email = {};  // overdue notices: the assignee's e-mail, "" when none
};

struct CrmWorkerSettings {
  std::string database_path;  // migrated; the worker opens its own connection
  MissedCallSettings missed_calls;
  std::chrono::seconds overdue_check{30};
  std::size_t max_queued = 100'000;  // events past it are dropped (and logged)
};

class CrmWorker final : public pbx::CallEventSink {
 public:
  CrmWorker(CrmWorkerSettings settings, const Clock& clock,
            std::function<void(const TaskNotice&)> on_task);
  ~CrmWorker() override;  // stop()s
  CrmWorker(const CrmWorker&) = delete;
  CrmWorker& operator=(const CrmWorker&) = delete;

  // Signalling thread: queues `ended` and `voicemail_recorded` events (a copy, a short lock).
  void on_call_event(const pbx::CallEvent& event) override;
  // Handles what is queued, then ends the thread. Idempotent.
  void stop();
  // Blocks until everything queued so far is handled (tests).
  void flush();

 private:
  struct Impl;
  void run();

  CrmWorkerSettings settings_;
  const Clock& clock_;
  std::function<void(const TaskNotice&)> on_task_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<pbx::CallEvent> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace dzvin::crm
