import { formatCallTime, formatSpan } from '../../i18n/format';
import { useI18n } from '../../i18n/i18n';
import { useNow } from '../../time/useNow';

/** Whether an open task is past its deadline at `now`. */
export function isOverdue(task: { state: string; due_at: string }, now: number): boolean {
  return task.state === 'open' && Date.parse(task.due_at) < now;
}

/** A task's deadline in the browser's time, and for an open task how far off: "in 25 min", "overdue 2 h". */
export function DueTime({ task }: { task: { state: string; due_at: string } }) {
  const { t, locale } = useI18n();
  const now = useNow(30_000);
  const left = Date.parse(task.due_at) - now;
  const overdue = isOverdue(task, now);
  return (
    <span class={`due${overdue ? ' due-overdue' : ''}`} data-due={overdue ? 'overdue' : 'ahead'}>
      <time dateTime={task.due_at}>{formatCallTime(task.due_at, locale)}</time>
      {task.state === 'open' && !Number.isNaN(left) && (
        <span class="due-relative">{t(overdue ? 'tasks.overdueBy' : 'tasks.dueIn', { span: formatSpan(left, locale) })}</span>
      )}
    </span>
  );
}
