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

/** Every user of the company (the API gives at most 200 a page), for pickers and name lookups. */
export async function listAllUsers(signal?: AbortSignal, maxPages = 25): Promise<User[]> {
  const kPage = 200;
  const users: User[] = [];
  for (let page = 0; page < maxPages; ++page) {
    const answer = await listUsers(page * kPage, kPage, signal);
    users.push(...answer.items);
    if (answer.items.length < kPage || users.length >= answer.total) break;
  }
  return users;
}

export interface DirectoryEntry {
  username: string;
  display_name: string;
}

/** Every user of the company as anyone may pick them (GET /api/v1/directory: any role). */
export async function listDirectory(signal?: AbortSignal): Promise<DirectoryEntry[]> {
  const answer = await request<{ items: DirectoryEntry[] }>('GET', '/api/v1/directory', undefined, { signal });
  return answer.items;
}

/** "Олена Бондар (1001)", or the username alone. */
export function userLabel(user: Pick<User, 'username' | 'display_name'>): string {
  return user.display_name ? `${user.display_name} (${user.username})` : user.username;
}
