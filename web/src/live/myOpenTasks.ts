// How many open tasks the logged-in user has (the navigation shows it).

import { listTasks } from '../api/tasks';
import { useSession } from '../session';
import { liveCounter, type LiveCount } from './liveCount';
import { isTaskEvent } from './taskEvents';

const kCountUpTo = 99;

const openTasks = liveCounter(isTaskEvent);

/** A page opened or closed a task: count again. */
export const tasksChanged = (): void => openTasks.changed();

export function useMyOpenTasks(): LiveCount | null {
  const { user } = useSession();
  return openTasks.useCount(async (signal) => {
    const page = await listTasks({ state: 'open', assignee: user.username, limit: kCountUpTo }, signal);
    return { count: page.items.length, more: page.next_before !== null };
  }, [user.username]);
}
