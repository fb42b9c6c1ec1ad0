import { queryString, request } from './client';
import type { Voicemail, VoicemailPage } from './types';

export interface VoicemailQuery {
  box?: string;
  /** false: unheard only. */
  heard?: boolean;
  before?: number | null;
  limit?: number;
}

/** Newest first; managers and operators get their own box only. */
export function listVoicemails(query: VoicemailQuery, signal?: AbortSignal): Promise<VoicemailPage> {
  const path = `/api/v1/voicemails${queryString({
    limit: query.limit ?? 50,
    before: query.before,
    box: query.box?.trim(),
    heard: query.heard === undefined ? undefined : String(query.heard),
  })}`;
  return request<VoicemailPage>('GET', path, undefined, { signal });
}

export function setHeard(id: number, heard: boolean): Promise<Voicemail> {
  return request<Voicemail>('PATCH', `/api/v1/voicemails/${id}`, { heard });
}
