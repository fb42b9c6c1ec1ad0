// The latest calls, kept fresh for whoever shows them (the dashboard). Where the freshness comes
// from is a LiveCallSource: polling GET /api/v1/calls today; the WebSocket /api/v1/events
// stream later, by one setLiveCallSource(...) call — the pages do not change.

import { useEffect, useState } from 'preact/hooks';
import { listCalls } from '../api/calls';
import { ApiError, isAbort } from '../api/client';
import type { Call } from '../api/types';

export interface LiveCallsSnapshot {
  /** Newest first, at most `kRecentCalls`. */
  calls: Call[];
  /** When the source last heard from dzvin (ms), 0 before the first answer. */
  receivedAt: number;
  /** The last failure, cleared by the next success. */
  error: ApiError | null;
  /** False while the source is paused (tab hidden). */
  live: boolean;
}

export type SnapshotListener = (snapshot: LiveCallsSnapshot) => void;

export interface LiveCallSource {
  /** Starts delivering snapshots to `emit`; the returned function stops it. */
  start(emit: SnapshotListener): () => void;
}

export const kRecentCalls = 20;

/** Asks GET /api/v1/calls every `intervalMs`, one request at a time; pauses while the tab is hidden. */
export function pollingCallSource(intervalMs = 3000, limit = kRecentCalls): LiveCallSource {
  return {
    start(emit) {
      let stopped = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let controller: AbortController | null = null;
      let last: LiveCallsSnapshot = { calls: [], receivedAt: 0, error: null, live: true };

      const schedule = (delay: number) => {
        clearTimeout(timer);
        if (!stopped && !document.hidden) timer = setTimeout(poll, delay);
      };
      const poll = async () => {
        controller = new AbortController();
        try {
          const page = await listCalls({}, { limit, signal: controller.signal });
          last = { calls: page.items, receivedAt: Date.now(), error: null, live: true };
        } catch (error) {
          if (isAbort(error)) return;
          last = { ...last, error: error instanceof ApiError ? error : new ApiError(0, 'network', String(error)) };
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

let source: LiveCallSource = pollingCallSource();
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

/** Swaps where live calls come from (the WebSocket stream, a test double). */
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

/** Calls still up: no outcome yet. */
export function activeCalls(snapshot: LiveCallsSnapshot | null): Call[] {
  return (snapshot?.calls ?? []).filter((call) => call.outcome === null && call.ended_at === null);
}

/** Changes whenever a call starts, is answered or ends: a cue to recount. */
export function changeMark(snapshot: LiveCallsSnapshot | null): string {
  return (snapshot?.calls ?? []).map((c) => `${c.id}:${c.answered_at ?? ''}:${c.outcome ?? ''}`).join('|');
}
