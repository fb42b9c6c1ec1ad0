// Which live call events open a caller card for the user, and which close it (pure functions).
// A card is for a call from outside (its caller is no user of ours: the events list the users
// a call involves, the caller among them when it is one) that rings this user; heads and admins
// get one for every call from outside.

import type { LiveEvent } from './eventStream';

/** A call from outside that the user's caller card is about. */
export interface IncomingCall {
  callId: string;
  /** The caller's number as signalled. */
  number: string;
  /** When its first event reached the page (performance.now()). */
  arrivedAt: number;
  /** When Dzvin took its INVITE (unix ms, the server's clock); 0 when the event did not say. */
  startedMs: number;
}

export interface CardViewer {
  username: string;
  /** Heads and admins: every incoming call. */
  seesAllCalls: boolean;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function isFromOutside(event: LiveEvent): boolean {
  const caller = text(event.caller);
  const users = Array.isArray(event.users) ? (event.users as unknown[]) : [];
  return caller !== '' && caller !== 'anonymous' && !users.includes(caller);
}

/** The call `event` asks a card for (call.started, call.ringing), or null. */
export function cardCallOf(event: LiveEvent, viewer: CardViewer, arrivedAt: number): IncomingCall | null {
  if (event.type !== 'call.started' && event.type !== 'call.ringing') return null;
  const callId = text(event.call_id);
  if (!callId || !isFromOutside(event)) return null;
  const ringsViewer = event.type === 'call.ringing' && text(event.user) === viewer.username;
  if (!ringsViewer && !viewer.seesAllCalls) return null;
  const startedMs = typeof event.started_ms === 'number' ? event.started_ms : 0;
  return { callId, number: text(event.caller), arrivedAt, startedMs };
}

/** The call that `event` ends, or null. */
export function endedCallOf(event: LiveEvent): string | null {
  return event.type === 'call.ended' ? text(event.call_id) || null : null;
}
