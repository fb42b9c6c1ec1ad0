import { queryString, request } from './client';
import type { User, UserInput, UserPage } from './types';

export function listUsers(offset = 0, limit = 200, signal?: AbortSignal): Promise<UserPage> {
  return request<UserPage>('GET', `/api/v1/users${queryString({ limit, offset })}`, undefined, { signal });
}

export function createUser(user: UserInput): Promise<User> {
  return request<User>('POST', '/api/v1/users', user);
}

export function updateUser(username: string, change: UserInput): Promise<User> {
  return request<User>('PATCH', `/api/v1/users/${encodeURIComponent(username)}`, change);
}

export function deleteUser(username: string): Promise<void> {
  return request<void>('DELETE', `/api/v1/users/${encodeURIComponent(username)}`);
}
