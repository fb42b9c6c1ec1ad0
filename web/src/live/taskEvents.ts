// What the task.* events of the live stream carry: {"task": {...}} (src/http/task_events.cpp),
// sent to the assignee and to heads and admins.

import type { Task } from '../api/crmTypes';
import type { LiveEvent } from './eventStream';

export const kTaskEventTypes = new Set(['task.created', 'task.updated', 'task.closed', 'task.overdue']);

export function isTaskEvent(event: LiveEvent): boolean {
  return kTaskEventTypes.has(event.type);
}

/** The task of a task.* event; null for any other event. */
export function taskOfEvent(event: LiveEvent): Task | null {
  if (!isTaskEvent(event)) return null;
  const task = event.task as Task | undefined;
  return task && typeof task.id === 'number' ? task : null;
}

/** A task was just given to `username`. */
export function isTaskGivenTo(event: LiveEvent, username: string): Task | null {
  const task = event.type === 'task.created' ? taskOfEvent(event) : null;
  return task && task.assignee === username ? task : null;
}
