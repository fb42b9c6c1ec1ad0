import { useState } from 'preact/hooks';
import type { Task } from '../../api/crmTypes';
import { closeTask } from '../../api/tasks';
import { useI18n } from '../../i18n/i18n';
import { tasksChanged } from '../../live/myOpenTasks';
import { DataTable } from '../DataTable';
import { ErrorNotice } from '../ErrorNotice';
import { TaskRow } from './TaskRow';

/** Tasks as a table; done/cancel close one (PATCH), then `onChanged`. `nameOf` given: an assignee column. */
export function TaskTable({ tasks, nameOf, onChanged }: { tasks: Task[]; nameOf?: (username: string) => string; onChanged: () => void }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState<number | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const close = async (task: Task, state: 'done' | 'cancelled') => {
    setBusy(task.id);
    setFailure(null);
    try {
      await closeTask(task.id, state);
      tasksChanged();
      onChanged();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      {failure ? <ErrorNotice error={failure} /> : null}
      <DataTable
        name="tasks"
        columns={[
          { head: t('tasks.due') },
          { head: t('tasks.task') },
          { head: t('tasks.number') },
          nameOf !== undefined && { head: t('tasks.assignee') },
          { head: t('tasks.stateColumn') },
          { head: t('tasks.links') },
          { head: t('users.actions') },
        ]}
      >
        {tasks.map((task) => (
          <TaskRow key={task.id} task={task} assignee={nameOf?.(task.assignee)} busy={busy === task.id} onClose={(state) => close(task, state)} />
        ))}
      </DataTable>
    </>
  );
}
