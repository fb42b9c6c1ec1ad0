// The routing resources: one named collection per section of the routing document (the same
// four calls each), and the numbers. Every change answers the new routing; a 409 means someone
// else changed routing meanwhile.

import { request } from './client';
import type {
  Group,
  GroupInput,
  NamedList,
  NumberAssignment,
  Prompt,
  RoutingView,
  Schedule,
  ScheduleInput,
  Scheme,
  SchemeInput,
  Trunk,
  VoicemailBox,
} from './routingTypes';

export interface NamedCollection<Item, Input> {
  list(signal?: AbortSignal): Promise<NamedList<Item>>;
  put(name: string, input: Input): Promise<RoutingView>;
  remove(name: string): Promise<void>;
}

function namedCollection<Item, Input>(url: string): NamedCollection<Item, Input> {
  const one = (name: string) => `${url}/${encodeURIComponent(name)}`;
  return {
    list: (signal) => request<NamedList<Item>>('GET', url, undefined, { signal }),
    put: (name, input) => request<RoutingView>('PUT', one(name), input),
    remove: (name) => request<void>('DELETE', one(name)),
  };
}

export const schemes = namedCollection<Scheme, SchemeInput>('/api/v1/schemes');
export const schedules = namedCollection<Schedule, ScheduleInput>('/api/v1/schedules');
export const groups = namedCollection<Group, GroupInput>('/api/v1/groups');
export const voicemailBoxes = namedCollection<VoicemailBox, Omit<VoicemailBox, 'name'>>('/api/v1/voicemail-boxes');
export const prompts = namedCollection<Prompt, Omit<Prompt, 'name'>>('/api/v1/prompts');

export function listNumbers(signal?: AbortSignal): Promise<NamedList<NumberAssignment>> {
  return request<NamedList<NumberAssignment>>('GET', '/api/v1/numbers', undefined, { signal });
}

export function assignNumber(number: string, scheme: string): Promise<RoutingView> {
  return request<RoutingView>('PUT', `/api/v1/numbers/${encodeURIComponent(number)}`, { scheme });
}

export function removeNumber(number: string): Promise<void> {
  return request<void>('DELETE', `/api/v1/numbers/${encodeURIComponent(number)}`);
}

/** The trunks to the phone network (admin only; from the config file). */
export function listTrunks(signal?: AbortSignal): Promise<{ items: Trunk[] }> {
  return request<{ items: Trunk[] }>('GET', '/api/v1/trunks', undefined, { signal });
}

/** Names are 1 to 64 bytes, no control characters, no leading or trailing space. */
export function validName(name: string): boolean {
  return name.length > 0 && new TextEncoder().encode(name).length <= 64 && name === name.trim() && !/[\u0000-\u001f\u007f]/.test(name);
}
