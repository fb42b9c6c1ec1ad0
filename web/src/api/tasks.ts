import { queryString, request } from './client';
import type { Task, TaskInput, TaskPage, TaskState } from './crmTypes';

export interface TaskQuery {
  state?: TaskState;
  /** Open tasks past their deadline only. */
  overdue?: boolean;
  /** A username; heads and admins only (the others get their own anyway). */
  assignee?: string;
  before?: number | null;
  limit?: number;
}

/** Newest first; managers and operators get their own only. */
export function listTasks(query: TaskQuery, signal?: AbortSignal): Promise<TaskPage> {
  const path = `/api/v1/tasks${queryString({
    state: query.state,
    overdue: query.overdue ? 'true' : undefined,
    assignee: query.assignee,
    before: query.before,
    limit: query.limit ?? 50,
  })}`;
  return request<TaskPage>('GET', path, undefined, { signal });
}

/** A task in writing (the intake form); due in 24 h unless the body says otherwise. */
export function createTask(input: TaskInput): Promise<Task> {
  return request<Task>('POST', '/api/v1/tasks', input);
}

export function closeTask(id: number, state: Exclude<TaskState, 'open'>): Promise<Task> {
  return request<Task>('PATCH', `/api/v1/tasks/${id}`, { state });
}
