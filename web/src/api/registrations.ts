import { request } from './client';
import type { Registration } from './types';

/** One item per registered contact (a user with two phones has two). */
export function listRegistrations(signal?: AbortSignal): Promise<{ items: Registration[] }> {
  return request<{ items: Registration[] }>('GET', '/api/v1/registrations', undefined, { signal });
}
