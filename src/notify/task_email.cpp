#include "notify/task_email.hpp"

#include "notify/email_message.hpp"
#include "notify/zoned_time_text.hpp"

namespace dzvin::notify {

Result<std::string> overdue_task_email(const crm::Task& task, const OverdueTaskMail& mail,
                                       WallTime now) {
  const WallTime due{std::chrono::milliseconds(task.due_at_ms)};
  const std::string due_text = zoned_time_text(due, mail.time_zone, "%d.%m.%Y %H:%M %Z");
  EmailMessage m;
  m.from = mail.from;
  m.from_name = "Dzvin";
  m.to = {mail.to};
  m.subject = "Прострочено: " + task.title + " / Overdue: " + task.title;
  m.date = now;
  std::string t;
  t += "Завдання прострочене: " + task.title + "\n";
  t += "Номер: " + task.number + "\n";
  t += "Строк був: " + due_text + "\n";
  if (task.calls > 1) t += "Дзвінків без відповіді: " + std::to_string(task.calls) + "\n";
  if (!task.detail.empty()) t += "\n" + task.detail + "\n";
  t += "\n— \n";
  t += "Overdue task: " + task.title + "\n";
  t += "Number: " + task.number + "\n";
  t += "It was due: " + due_text + "\n";
  if (!mail.web_url.empty()) t += "\n" + mail.web_url + "#/tasks\n";
  m.text = std::move(t);
  return format_email(m);
}

}  // namespace dzvin::notify
