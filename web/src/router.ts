// Hash routes (#/calls): every page works from index.html alone, whatever serves it.

import { useEffect, useState } from 'preact/hooks';
import type { Role } from './api/types';

export type RouteName =
  | 'dashboard'
  | 'calls'
  | 'call'
  | 'heatmap'
  | 'users'
  | 'schemes'
  | 'schedules'
  | 'groups'
  | 'voicemail'
  | 'tasks'
  | 'contacts'
  | 'contact'
  | 'notFound';

/** The pages the navigation links to. */
export type NavRoute = Exclude<RouteName, 'notFound' | 'call' | 'contact'>;

export interface Route {
  name: RouteName;
  /** The call of `#/calls/ID`, the contact of `#/contacts/ID`. */
  id?: string;
}

/** Who may open each page (the API refuses the rest anyway); also what the navigation shows. */
export const kMinimumRole: Record<RouteName, Role> = {
  dashboard: 'operator',
  calls: 'operator',
  call: 'operator',
  voicemail: 'operator',
  tasks: 'operator',
  contacts: 'operator',
  contact: 'operator',
  heatmap: 'head',
  users: 'head',
  schemes: 'head',
  schedules: 'head',
  groups: 'head',
  notFound: 'operator',
};

export const routePaths: Record<NavRoute, string> = {
  dashboard: '#/',
  calls: '#/calls',
  heatmap: '#/reports/heatmap',
  users: '#/users',
  schemes: '#/schemes',
  schedules: '#/schedules',
  groups: '#/groups',
  voicemail: '#/voicemail',
  tasks: '#/tasks',
  contacts: '#/contacts',
};

export function callPath(id: string): string {
  return `#/calls/${encodeURIComponent(id)}`;
}

export function contactPath(id: number): string {
  return `#/contacts/${id}`;
}

const kStatic: Record<string, NavRoute> = {
  '/': 'dashboard',
  '/calls': 'calls',
  '/reports/heatmap': 'heatmap',
  '/users': 'users',
  '/schemes': 'schemes',
  '/schedules': 'schedules',
  '/groups': 'groups',
  '/voicemail': 'voicemail',
  '/tasks': 'tasks',
  '/contacts': 'contacts',
};

/** The pages of one item: `#/calls/ID`, `#/contacts/ID`. */
const kItemPages: { pattern: RegExp; name: RouteName }[] = [
  { pattern: /^\/calls\/([^/]+)$/, name: 'call' },
  { pattern: /^\/contacts\/(\d+)$/, name: 'contact' },
];

export function routeOf(hash: string): Route {
  const path = hash.replace(/^#/, '').split('?')[0] || '/';
  const known = kStatic[path];
  if (known) return { name: known };
  for (const page of kItemPages) {
    const match = page.pattern.exec(path);
    if (!match) continue;
    try {
      return { name: page.name, id: decodeURIComponent(match[1]) };
    } catch {
      return { name: 'notFound' };
    }
  }
  return { name: 'notFound' };
}

export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(routeOf(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(routeOf(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
