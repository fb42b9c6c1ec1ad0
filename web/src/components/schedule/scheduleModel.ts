// A schedule as the form holds it (ranges split into from/to, exceptions as rows) and back to
// the API's shape (docs/routing-schemes.md, "Schedules"); where an API error points in it.

import { weekdays, type Schedule, type ScheduleInput, type Weekday } from '../../api/routingTypes';

export interface TimeRange {
  from: string;
  to: string;
}

export interface ExceptionRow {
  date: string;
  /** None: closed that day. */
  ranges: TimeRange[];
}

export interface ScheduleDraft {
  time_zone: string;
  weekly: Record<Weekday, TimeRange[]>;
  holidays: string[];
  exceptions: ExceptionRow[];
}

export const kDefaultTimeZone = 'Europe/Kyiv';

function splitRange(range: string): TimeRange {
  const dash = range.indexOf('-');
  return dash < 0 ? { from: range, to: '' } : { from: range.slice(0, dash).trim(), to: range.slice(dash + 1).trim() };
}

export function joinRange(range: TimeRange): string {
  return `${range.from.trim()}-${range.to.trim()}`;
}

export function draftOf(schedule: Schedule | null): ScheduleDraft {
  const weekly = Object.fromEntries(weekdays.map((d) => [d, (schedule?.weekly?.[d] ?? []).map(splitRange)])) as Record<Weekday, TimeRange[]>;
  if (!schedule) {
    for (const d of ['mon', 'tue', 'wed', 'thu', 'fri'] as Weekday[]) weekly[d] = [{ from: '09:00', to: '18:00' }];
  }
  return {
    time_zone: schedule?.time_zone ?? kDefaultTimeZone,
    weekly,
    holidays: [...(schedule?.holidays ?? [])],
    exceptions: Object.entries(schedule?.exceptions ?? {}).map(([date, ranges]) => ({ date, ranges: ranges.map(splitRange) })),
  };
}

/** Exactly the rows shown, so that an error's index names the row the user sees. */
export function inputOf(draft: ScheduleDraft): ScheduleInput {
  const weekly: ScheduleInput['weekly'] = {};
  for (const d of weekdays) if (draft.weekly[d].length > 0) weekly[d] = draft.weekly[d].map(joinRange);
  const exceptions: ScheduleInput['exceptions'] = {};
  for (const row of draft.exceptions) exceptions[row.date.trim()] = row.ranges.map(joinRange);
  return { time_zone: draft.time_zone.trim(), weekly, holidays: draft.holidays.map((h) => h.trim()), exceptions };
}

/**
 * The part of an error's field path inside the schedule: "schedules.office.weekly.mon[0]" →
 * "weekly.mon[0]"; "" when it names the schedule itself or nothing we know.
 */
export function scheduleErrorKey(field: string | undefined): string {
  if (!field) return '';
  const m = /(?:^|\.)((?:time_zone|weekly|holidays|exceptions)(?:[.[].*)?)$/.exec(field);
  return m ? m[1] : '';
}

/** "Mon–Fri 09:00-18:00; Sat 10:00-14:00": days with the same hours run together. */
export function weeklySummary(weekly: Schedule['weekly'], dayName: (index: number) => string): string {
  const parts: string[] = [];
  let start = 0;
  const hours = (i: number) => (weekly?.[weekdays[i]] ?? []).join(', ');
  for (let i = 1; i <= weekdays.length; ++i) {
    if (i < weekdays.length && hours(i) === hours(start)) continue;
    if (hours(start)) parts.push(`${dayName(start)}${i - 1 > start ? `–${dayName(i - 1)}` : ''} ${hours(start)}`);
    start = i;
  }
  return parts.join('; ');
}
