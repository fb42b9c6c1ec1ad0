import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { voicemailAudioUrl } from '../../api/calls';
import type { Task, TaskState } from '../../api/crmTypes';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { callPath, contactPath } from '../../router';
import { useNow } from '../../time/useNow';
import { CallButton } from './CallButton';
import { DueTime, isOverdue } from './DueTime';

/** The colours of the call badges, by what they mean: waiting, late, done, dropped. */
const kStateTone: Record<TaskState | 'overdue', string> = { open: 'badge-state-started', overdue: 'badge-missed', done: 'badge-answered', cancelled: '' };

/** The task's text without the title it starts with (a request's title is its question's first line). */
function moreThanTitle(task: Task): string {
  const detail = task.detail.trim();
  return detail.startsWith(task.title) ? detail.slice(task.title.length).trim() : detail;
}

/** What a row shows besides the task: whose it is, and what the buttons do. */
export interface TaskRowProps {
  task: Task;
  /** The assignee's name; omitted: no assignee column. */
  assignee?: string;
  busy: boolean;
  onClose: (state: 'done' | 'cancelled') => void;
}

/** One task: its deadline, what and whom it is about, its call and voicemail, done/cancel while open. */
export function TaskRow({ task, assignee, busy, onClose }: TaskRowProps) {
  const { t } = useI18n();
  const [listening, setListening] = useState(false);
  const overdue = isOverdue(task, useNow(30_000));
  const columns = assignee === undefined ? 6 : 7;
  return (
    <Fragment>
      <tr class={overdue ? 'is-overdue' : undefined} data-task={task.id} data-state={task.state} data-overdue={overdue ? 'yes' : 'no'}>
        <td>
          <DueTime task={task} />
        </td>
        <td>
          <span class="task-title">{task.title}</span>
          <span class="tag">{task.kind === 'call_back' ? t('tasks.kindCallBack', { calls: task.calls }) : t('tasks.kindIntake')}</span>
          {moreThanTitle(task) && <span class="task-detail muted">{moreThanTitle(task)}</span>}
        </td>
        <td>{task.contact_id !== null ? <a href={contactPath(task.contact_id)}>{task.number || t('tasks.contact')}</a> : task.number || t('common.none')}</td>
        {assignee !== undefined && <td>{assignee}</td>}
        <td>
          <span class={`badge ${kStateTone[overdue ? 'overdue' : task.state]}`}>{overdue ? t('tasks.overdue') : t(`tasks.state.${task.state}` as MessageKey)}</span>
        </td>
        <td class="task-links">
          {task.last_call_id && <a href={callPath(task.last_call_id)}>{t('tasks.call')}</a>}
          {task.voicemail_id !== null && (
            <button type="button" class="button-link" aria-expanded={listening} data-listen={task.voicemail_id} onClick={() => setListening(!listening)}>
              {t('tasks.voicemail')}
            </button>
          )}
        </td>
        <td class="row-actions">
          {task.state === 'open' && (
            <>
              {task.number && <CallButton number={task.number} />}
              <button type="button" class="button-secondary" disabled={busy} data-close-task="done" onClick={() => onClose('done')}>
                {t('tasks.done')}
              </button>
              <button type="button" class="button-secondary" disabled={busy} data-close-task="cancelled" onClick={() => onClose('cancelled')}>
                {t('common.cancel')}
              </button>
            </>
          )}
        </td>
      </tr>
      {listening && task.voicemail_id !== null && (
        <tr class="detail-row">
          <td colSpan={columns}>
            <audio controls preload="metadata" src={voicemailAudioUrl(task.voicemail_id)} aria-label={t('voicemail.player', { caller: task.number })} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}
