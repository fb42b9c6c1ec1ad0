import { useState } from 'preact/hooks';
import type { TaskState } from '../api/crmTypes';
import { listTasks, type TaskQuery } from '../api/tasks';
import { atLeast } from '../api/types';
import { useResource } from '../api/useResource';
import { useOpenIntake } from '../components/crm/intakeContext';
import { TaskTable } from '../components/crm/TaskTable';
import { UserPicker } from '../components/crm/UserPicker';
import { useUserDirectory } from '../components/crm/useUserDirectory';
import { ErrorNotice } from '../components/ErrorNotice';
import { Pager, usePageTrail } from '../components/Pager';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { isTaskEvent } from '../live/taskEvents';
import { useEventRefresh } from '../live/useEventRefresh';
import { useSession } from '../session';
import { usePageTitle } from './usePageTitle';

const kPageSize = 50;

type TaskView = 'open' | 'overdue' | TaskState;
const kViews: TaskView[] = ['open', 'overdue', 'done', 'cancelled'];

function queryOf(view: TaskView, assignee: string, before: number | null): TaskQuery {
  return { state: view === 'overdue' ? 'open' : view, overdue: view === 'overdue', assignee: assignee || undefined, before, limit: kPageSize };
}

/** Tasks (call-backs, requests): managers and operators their own, heads and admins everyone's by assignee; live. */
export function TasksPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const seesAll = atLeast(user.role, 'head');
  const title = seesAll ? t('tasks.titleAll') : t('tasks.titleMine');
  usePageTitle(title);
  const users = useUserDirectory();
  const openIntake = useOpenIntake();
  const [view, setView] = useState<TaskView>('open');
  const [assignee, setAssignee] = useState('');
  const trail = usePageTrail<number>();
  const before = trail.cursor;
  const list = useResource((signal) => listTasks(queryOf(view, seesAll ? assignee : '', before), signal), [view, assignee, before, seesAll]);
  // A task given, changed or closed anywhere shows at once on the newest page.
  useEventRefresh(() => trail.number === 1 && list.reload(), isTaskEvent, 30_000);

  return (
    <div class="page">
      <div class="page-head">
        <h1>{title}</h1>
        <button type="button" class="button-primary" data-new-intake onClick={() => openIntake({})}>
          {t('intake.open')}
        </button>
      </div>
      <div class="filters" role="group" aria-label={t('calls.filters')}>
        <fieldset class="plain-fieldset segmented" data-task-views>
          <legend class="visually-hidden">{t('tasks.stateColumn')}</legend>
          {kViews.map((v) => (
            <label key={v} class={view === v ? 'is-selected' : undefined}>
              <input
                type="radio"
                name="task-view"
                value={v}
                checked={view === v}
                onChange={() => {
                  setView(v);
                  trail.restart();
                }}
              />
              {t(`tasks.view.${v}` as MessageKey)}
            </label>
          ))}
        </fieldset>
        {seesAll && (
          <UserPicker
            id="tasks-assignee"
            label={t('tasks.assignee')}
            value={assignee}
            users={users}
            noneLabel={t('tasks.everyone')}
            onChange={(next) => {
              setAssignee(next);
              trail.restart();
            }}
          />
        )}
      </div>
      {list.error ? <ErrorNotice error={list.error} onRetry={list.reload} /> : null}
      <div aria-busy={list.loading}>
        {list.data && list.data.items.length > 0 && <TaskTable tasks={list.data.items} nameOf={seesAll ? users.nameOf : undefined} onChanged={list.reload} />}
        {list.loading && !list.data && <p class="muted">{t('common.loading')}</p>}
        {list.data && list.data.items.length === 0 && <p class="empty">{t('tasks.empty')}</p>}
      </div>
      <Pager trail={trail} next={list.data?.next_before} onTurn={() => undefined} />
    </div>
  );
}
