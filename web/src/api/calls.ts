import { queryString, request } from './client';
import type { Call, CallPage, CallWithTimeline, Outcome } from './types';

export interface CallFilter {
  /** Start time bounds, unix milliseconds: from <= started < to. */
  fromMs?: number;
  toMs?: number;
  number?: string;
  outcome?: Outcome | '';
}

export function listCalls(
  filter: CallFilter,
  options: { limit?: number; cursor?: string | null; signal?: AbortSignal } = {},
): Promise<CallPage> {
  const query = queryString({
    from: filter.fromMs,
    to: filter.toMs,
    number: filter.number?.trim(),
    outcome: filter.outcome,
    limit: options.limit ?? 50,
    cursor: options.cursor,
  });
  return request<CallPage>('GET', `/api/v1/calls${query}`, undefined, { signal: options.signal });
}

export interface ClickToCallStarted {
  call_id: string;
  user: string;
  number: string;
}

/** Rings the user's own phone, then dials `number` once they pick up (202: under way). */
export function clickToCall(number: string): Promise<ClickToCallStarted> {
  return request<ClickToCallStarted>('POST', '/api/v1/click-to-call', { number });
}

export function getCall(id: string, signal?: AbortSignal): Promise<CallWithTimeline> {
  return request<CallWithTimeline>('GET', `/api/v1/calls/${encodeURIComponent(id)}`, undefined, { signal });
}

/** Authenticated audio with byte ranges (the session cookie goes along: same origin). */
export function recordingAudioUrl(recordingId: number): string {
  return `/api/v1/recordings/${recordingId}/audio`;
}

export function voicemailAudioUrl(voicemailId: number): string {
  return `/api/v1/voicemails/${voicemailId}/audio`;
}

/** The outcome's first word ("missed: no answer" → "missed"); null while the call is up. */
export function outcomeKind(call: Pick<Call, 'outcome'>): Outcome | null {
  if (!call.outcome) return null;
  return call.outcome.split(':')[0].trim() as Outcome;
}

/** The reason after the outcome's first word ("no answer"), if any. */
export function outcomeDetail(call: Pick<Call, 'outcome'>): string {
  const colon = call.outcome?.indexOf(':') ?? -1;
  return colon >= 0 ? call.outcome!.slice(colon + 1).trim() : '';
}

/** Nobody answered: the heatmap's definition of missed. */
export function isMissed(call: Pick<Call, 'outcome'>): boolean {
  const kind = outcomeKind(call);
  return kind !== null && kind !== 'answered';
}

/** "2001@office.example" → "2001". */
export function answeredByUser(call: Pick<Call, 'answered_by'>): string | null {
  return call.answered_by ? call.answered_by.split('@')[0] : null;
}

export interface CallCount {
  total: number;
  missed: number;
  /** True when there were more calls than `maxPages` pages could count. */
  capped: boolean;
}

/** Counts the calls matching `filter` by reading pages of 500 (the API has no count of its own). */
export async function countCalls(filter: CallFilter, signal?: AbortSignal, maxPages = 20): Promise<CallCount> {
  const count: CallCount = { total: 0, missed: 0, capped: false };
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; ++page) {
    const answer: CallPage = await listCalls(filter, { limit: 500, cursor, signal });
    count.total += answer.items.length;
    count.missed += answer.items.filter(isMissed).length;
    cursor = answer.next_cursor;
    if (!cursor) return count;
  }
  count.capped = true;
  return count;
}
