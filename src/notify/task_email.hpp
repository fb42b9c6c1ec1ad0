#pragma once
// The e-mail that tells a user a task of theirs is overdue ("nobody forgotten": a call-back
// that did not happen by its deadline). Ukrainian with English below it: the company's people
// read the first, an outside mailbox the second.
#include <string>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "crm/task.hpp"

namespace dzvin::notify {

struct OverdueTaskMail {
  std::string from;       // the [smtp] sender
  std::string to;         // the assignee's e-mail
  std::string time_zone;  // for the deadline shown
  std::string web_url;    // the web app, for a link to the tasks page; may be empty
};

// The complete message (format_email), or an error naming a bad address.
Result<std::string> overdue_task_email(const crm::Task& task, const OverdueTaskMail& mail,
                                       WallTime now);

}  // namespace dzvin::notify
