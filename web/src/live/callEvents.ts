// What the call.* events of the live stream say about a call, as the call record and its live
// state: who is ringing, who answered. Pure functions: the event source keeps the map.

import type { Call } from '../api/types';
import type { LiveEvent } from './eventStream';

export type CallState = 'started' | 'ringing' | 'answered';

/** A call in progress, as the dashboard shows it. */
export interface ActiveCall {
  call: Call;
  state: CallState;
  /** Who is being rung right now: usernames, or the target (a number, a SIP URI). */
  ringing: string[];
}

/** A call as the events told it: its record so far and whom it rings. */
export interface TrackedCall {
  call: Call;
  ringing: string[];
}

export const kCallEventTypes = new Set(['call.started', 'call.ringing', 'call.attempt', 'call.answered', 'call.ended']);

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** "2001" for a user of ours, else the target itself ("+380…", "sip:…"). */
function whoOf(event: LiveEvent): string | null {
  return text(event.user) ?? text(event.target);
}

function newCall(event: LiveEvent, id: string): Call {
  const at = text(event.at) ?? new Date().toISOString();
  return {
    id,
    caller: text(event.caller) ?? '',
    called: text(event.called) ?? '',
    started_at: at,
    answered_at: null,
    answered_by: null,
    ended_at: null,
    outcome: null,
    sip_status: null,
    talk_ms: 0,
    has_recording: false,
    recording_id: null,
    voicemail_id: null,
  };
}

/** The call after `event`; `known` is what earlier events said (undefined: first heard of it). */
export function applyCallEvent(known: TrackedCall | undefined, event: LiveEvent): TrackedCall | undefined {
  const id = text(event.call_id);
  if (!id || !kCallEventTypes.has(event.type)) return known;
  // A manager hears of a call only from the moment it rings them: start it from any event.
  const tracked: TrackedCall = known ? { call: { ...known.call }, ringing: [...known.ringing] } : { call: newCall(event, id), ringing: [] };
  const call = tracked.call;
  const at = text(event.at) ?? new Date().toISOString();
  const who = whoOf(event);
  switch (event.type) {
    case 'call.ringing':
      if (who && !tracked.ringing.includes(who)) tracked.ringing.push(who);
      break;
    case 'call.attempt':
      // That target is done ringing (no answer, busy, …).
      if (who) tracked.ringing = tracked.ringing.filter((r) => r !== who);
      break;
    case 'call.answered':
      call.answered_at = at;
      call.answered_by = text(event.target) ?? who;
      tracked.ringing = [];
      break;
    case 'call.ended':
      call.ended_at = at;
      call.outcome = text(event.outcome) ?? 'failed';
      call.sip_status = typeof event.sip_status === 'number' ? event.sip_status : null;
      call.talk_ms = call.answered_at ? Math.max(0, Date.parse(at) - Date.parse(call.answered_at)) : 0;
      tracked.ringing = [];
      break;
  }
  return tracked;
}

export function isUp(call: Pick<Call, 'outcome' | 'ended_at'>): boolean {
  return call.outcome === null && call.ended_at === null;
}

export function activeCallOf(call: Call, ringing: string[] = []): ActiveCall {
  const state: CallState = call.answered_at ? 'answered' : ringing.length > 0 ? 'ringing' : 'started';
  return { call, state, ringing: call.answered_at ? [] : ringing };
}

/**
 * The calls the API listed with what the events told since: an event-tracked call replaces the
 * listed one until the list has it finished (the list is the record; events are quicker).
 * Newest first; every call in progress, and the newest finished ones up to `limit` in all.
 */
export function mergeCalls(listed: Call[], tracked: Map<string, TrackedCall>, limit: number): { calls: Call[]; active: ActiveCall[] } {
  const byId = new Map<string, Call>(listed.map((c) => [c.id, c]));
  for (const [id, t] of tracked) {
    const record = byId.get(id);
    if (!record || isUp(record)) byId.set(id, t.call);
  }
  const all = [...byId.values()].sort((a, b) => Date.parse(b.started_at) - Date.parse(a.started_at));
  const calls: Call[] = [];
  const active: ActiveCall[] = [];
  for (const call of all) {
    if (isUp(call)) {
      active.push(activeCallOf(call, tracked.get(call.id)?.ringing));
      calls.push(call);
    } else if (calls.length < limit) {
      calls.push(call);
    }
  }
  return { calls, active };
}
