// The latest calls and the calls in progress, kept fresh for whoever shows them (the
// dashboard). Where the freshness comes from is a LiveCallSource: by default the WebSocket
// /api/v1/events (eventCallSource), which polls GET /api/v1/calls while the socket is closed;
// pollingCallSource alone for tests or servers without the stream.

import { useEffect, useState } from 'preact/hooks';
import { listCalls } from '../api/calls';
import { ApiError, isAbort } from '../api/client';
import type { Call } from '../api/types';
import { activeCallOf, isUp, kCallEventTypes, mergeCalls, applyCallEvent, type ActiveCall, type TrackedCall } from './callEvents';
import { subscribeEvents } from './eventStream';

export interface LiveCallsSnapshot {
  /** Newest first: every call in progress and the newest finished ones, `kRecentCalls` in all. */
  calls: Call[];
  /** The calls in progress with who is ringing or answered. */
  active: ActiveCall[];
  /** When the source last heard from dzvin (ms), 0 before the first answer. */
  receivedAt: number;
  /** The last failure, cleared by the next success. */
  error: ApiError | null;
  /** False while the source is paused (tab hidden and no live stream). */
  live: boolean;
  /** 'events': the live stream is open; 'polling': asking the call list every few seconds. */
  via: 'events' | 'polling';
  /** Grows whenever the call list read from the API changes: a cue to recount. */
  revision: number;
}

export type SnapshotListener = (snapshot: LiveCallsSnapshot) => void;

export interface LiveCallSource {
  /** Starts delivering snapshots to `emit`; the returned function stops it. */
  start(emit: SnapshotListener): () => void;
}

export const kRecentCalls = 20;
const kPollMs = 3000;
// The call records are written in batches (every 200 ms): read the list a little after the
// events that changed it.
const kRefetchAfterEventMs = 700;

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, 'network', String(error));
}

function listMark(calls: Call[]): string {
  return calls.map((c) => `${c.id}:${c.answered_at ?? ''}:${c.outcome ?? ''}`).join('|');
}

/** Asks GET /api/v1/calls every `intervalMs`, one request at a time; pauses while the tab is hidden. */
export function pollingCallSource(intervalMs = kPollMs, limit = kRecentCalls): LiveCallSource {
  return {
    start(emit) {
      let stopped = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let controller: AbortController | null = null;
      let mark = '';
      let last: LiveCallsSnapshot = { calls: [], active: [], receivedAt: 0, error: null, live: true, via: 'polling', revision: 0 };

      const schedule = (delay: number) => {
        clearTimeout(timer);
        if (!stopped && !document.hidden) timer = setTimeout(poll, delay);
      };
      const poll = async () => {
        controller = new AbortController();
        try {
          const page = await listCalls({}, { limit, signal: controller.signal });
          const nextMark = listMark(page.items);
          const revision = nextMark === mark ? last.revision : last.revision + 1;
          mark = nextMark;
          const active = page.items.filter(isUp).map((c) => activeCallOf(c));
          last = { calls: page.items, active, receivedAt: Date.now(), error: null, live: true, via: 'polling', revision };
        } catch (error) {
          if (isAbort(error)) return;
          last = { ...last, error: asApiError(error) };
        } finally {
          controller = null;
        }
        if (stopped) return;
        emit(last);
        // A 401 ends the session (the client tells the app); no point in asking again.
        if (last.error?.status !== 401) schedule(intervalMs);
      };
      const onVisibility = () => {
        if (document.hidden) {
          clearTimeout(timer);
          controller?.abort();
          last = { ...last, live: false };
          emit(last);
        } else {
          schedule(0);
        }
      };
      document.addEventListener('visibilitychange', onVisibility);
      schedule(0);
      return () => {
        stopped = true;
        clearTimeout(timer);
        controller?.abort();
        document.removeEventListener('visibilitychange', onVisibility);
      };
    },
  };
}

/**
 * Live calls from the event stream: call.* events update the calls at once; the call list is
 * read at the start, when the stream (re)opens, on `resync`, and shortly after call events (for
 * the record: talk time, recordings). While the stream is closed the list is polled instead.
 */
export function eventCallSource(pollMs = kPollMs, limit = kRecentCalls): LiveCallSource {
  return {
    start(emit) {
      let stopped = false;
      let listed: Call[] = [];
      let mark: string | null = null;
      const tracked = new Map<string, TrackedCall>();
      let streamOpen = false;
      let last: LiveCallsSnapshot = { calls: [], active: [], receivedAt: 0, error: null, live: true, via: 'polling', revision: 0 };
      let controller: AbortController | null = null;
      let fetchAgain = false;
      // Polls while the stream is closed; reads the list a little after events while it is open.
      let pollTimer: ReturnType<typeof setTimeout> | undefined;
      let soonTimer: ReturnType<typeof setTimeout> | undefined;

      const publish = (change: Partial<LiveCallsSnapshot>) => {
        const merged = mergeCalls(listed, tracked, limit);
        // What fell off the end, or the list now has finished, needs no tracking any more.
        const shown = new Set(merged.calls.map((c) => c.id));
        for (const [id, t] of tracked) {
          const record = listed.find((c) => c.id === id);
          if ((record && !isUp(record)) || (!isUp(t.call) && !shown.has(id))) tracked.delete(id);
        }
        last = { ...last, ...change, ...merged, live: streamOpen || !document.hidden, via: streamOpen ? 'events' : 'polling' };
        if (!stopped) emit(last);
      };

      const schedulePoll = (delay: number) => {
        clearTimeout(pollTimer);
        pollTimer = undefined;
        if (stopped || streamOpen || document.hidden) return;
        pollTimer = setTimeout(fetchList, delay);
      };

      const fetchList = async () => {
        clearTimeout(pollTimer);
        pollTimer = undefined;
        if (controller) {
          fetchAgain = true; // one request at a time; ask again when this one is done
          return;
        }
        const mine = new AbortController();
        controller = mine;
        let change: Partial<LiveCallsSnapshot> | null = null;
        try {
          const page = await listCalls({}, { limit, signal: mine.signal });
          listed = page.items;
          const nextMark = listMark(listed);
          change = { receivedAt: Date.now(), error: null, revision: nextMark === mark ? last.revision : last.revision + 1 };
          mark = nextMark;
        } catch (error) {
          if (!isAbort(error)) change = { error: asApiError(error) };
        }
        if (controller === mine) controller = null;
        if (stopped) return;
        if (change) publish(change);
        // A 401 ends the session (the client tells the app); no point in asking again.
        if (change?.error?.status === 401) return;
        if (fetchAgain) {
          fetchAgain = false;
          void fetchList();
        } else if (change) {
          schedulePoll(pollMs);
        }
      };

      const refetchSoon = () => {
        clearTimeout(soonTimer);
        soonTimer = setTimeout(fetchList, kRefetchAfterEventMs);
      };

      const trackedFromList = (id: string): TrackedCall | undefined => {
        const record = listed.find((c) => c.id === id);
        return record ? { call: record, ringing: [] } : undefined;
      };

      const unsubscribe = subscribeEvents({
        onStatus(status) {
          const wasOpen = streamOpen;
          streamOpen = status === 'open';
          if (streamOpen && !wasOpen) {
            // Opened, or back after a gap: read the list (what happened meanwhile).
            void fetchList();
          } else if (!streamOpen && wasOpen) {
            publish({});
            schedulePoll(0);
          }
        },
        onEvent(event) {
          if (event.type === 'resync') {
            // Too much was missed to replay: the list is the truth again.
            tracked.clear();
            void fetchList();
            return;
          }
          if (!kCallEventTypes.has(event.type)) return;
          const id = typeof event.call_id === 'string' ? event.call_id : '';
          const next = applyCallEvent(tracked.get(id) ?? trackedFromList(id), event);
          if (!next) return;
          tracked.set(id, next);
          publish({ receivedAt: Date.now() });
          refetchSoon();
        },
      });

      const onVisibility = () => {
        if (streamOpen) return;
        if (document.hidden) {
          clearTimeout(pollTimer);
          controller?.abort();
          publish({});
        } else {
          void fetchList();
        }
      };
      document.addEventListener('visibilitychange', onVisibility);
      if (!streamOpen) void fetchList();

      return () => {
        stopped = true;
        clearTimeout(pollTimer);
        clearTimeout(soonTimer);
        controller?.abort();
        unsubscribe();
        document.removeEventListener('visibilitychange', onVisibility);
      };
    },
  };
}

let source: LiveCallSource = eventCallSource();
const listeners = new Set<SnapshotListener>();
let latest: LiveCallsSnapshot | null = null;
let stopSource: (() => void) | null = null;

function deliver(snapshot: LiveCallsSnapshot): void {
  latest = snapshot;
  for (const listener of listeners) listener(snapshot);
}

/** One source for all subscribers: started by the first, stopped after the last. */
export function subscribeLiveCalls(listener: SnapshotListener): () => void {
  listeners.add(listener);
  if (latest) listener(latest);
  if (!stopSource) stopSource = source.start(deliver);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && stopSource) {
      stopSource();
      stopSource = null;
      latest = null;
    }
  };
}

/** Swaps where live calls come from (a test double, polling only). */
export function setLiveCallSource(next: LiveCallSource): void {
  source = next;
  if (stopSource) {
    stopSource();
    stopSource = source.start(deliver);
  }
}

export function useLiveCalls(): LiveCallsSnapshot | null {
  const [snapshot, setSnapshot] = useState<LiveCallsSnapshot | null>(latest);
  useEffect(() => subscribeLiveCalls(setSnapshot), []);
  return snapshot;
}

/** Calls in progress, with their state. */
export function activeCalls(snapshot: LiveCallsSnapshot | null): ActiveCall[] {
  return snapshot?.active ?? [];
}

/** Finished calls, newest first. */
export function finishedCalls(snapshot: LiveCallsSnapshot | null): Call[] {
  return (snapshot?.calls ?? []).filter((call) => !isUp(call));
}

/** Changes whenever the API's list of calls changes (a call started, was answered or ended): a cue to recount. */
export function changeMark(snapshot: LiveCallsSnapshot | null): number {
  return snapshot?.revision ?? -1;
}
