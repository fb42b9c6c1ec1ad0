#pragma once
// When a missed caller must have been called back: within N working minutes of the call when
// it came in working hours, or by a fixed local time of the next working day when it came
// after hours (the seed's "we call you back the next working day by 10 a.m.").
#include <chrono>

#include "base/clock.hpp"

namespace dzvin::pbx {
class Schedule;
}

namespace dzvin::crm {

struct CallbackDeadlineRule {
  // A call in working hours: this much of the schedule's open time later.
  std::chrono::minutes within_working{30};
  // A call outside working hours: this local time of the day the schedule next opens (but
  // never before it opens: then `within_working` after the opening).
  std::chrono::minutes next_day_by{10 * 60};
};

// The deadline for a call that ended at `at`. Without a schedule, or with one that does not
// open within 30 days, working time is all time: `at` + within_working.
WallTime callback_deadline(WallTime at, const pbx::Schedule* schedule,
                           const CallbackDeadlineRule& rule);

}  // namespace dzvin::crm
