import { useEffect, useState } from 'preact/hooks';
import type { Task } from '../../api/crmTypes';
import { useI18n } from '../../i18n/i18n';
import { subscribeEvents } from '../../live/eventStream';
import { isTaskGivenTo } from '../../live/taskEvents';
import { routePaths } from '../../router';
import { useSession } from '../../session';

const kShowMs = 30_000;

/** A small notice when a task is given to the logged-in user (task.created for them), for half a minute. */
export function TaskAssignedNotice() {
  const { t } = useI18n();
  const { user } = useSession();
  const [task, setTask] = useState<Task | null>(null);
  useEffect(
    () =>
      subscribeEvents({
        onEvent(event) {
          const given = isTaskGivenTo(event, user.username);
          if (given) setTask(given);
        },
      }),
    [user.username],
  );
  useEffect(() => {
    if (!task) return;
    const timer = setTimeout(() => setTask(null), kShowMs);
    return () => clearTimeout(timer);
  }, [task]);
  if (!task) return null;
  return (
    <div class="notice notice-ok task-notice" role="status" data-task-notice={task.id}>
      <span>
        {t('tasks.givenToYou')} <strong>{task.title}</strong>
      </span>
      <a href={routePaths.tasks} onClick={() => setTask(null)}>
        {t('tasks.openList')}
      </a>
      <button type="button" class="icon-button" aria-label={t('common.close')} onClick={() => setTask(null)}>
        ×
      </button>
    </div>
  );
}
