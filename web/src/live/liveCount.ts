// A count the navigation shows (unheard voicemails, open tasks), kept fresh: read when shown,
// again when a matching live event comes (or every minute while the stream is closed), and when
// a page says it changed something (the event may come later, or not at all without the stream).

import { useEffect } from 'preact/hooks';
import { useResource } from '../api/useResource';
import type { LiveEvent } from './eventStream';
import { useEventRefresh } from './useEventRefresh';

export interface LiveCount {
  count: number;
  /** More than `count`. */
  more: boolean;
}

export interface LiveCounter {
  /** A page changed what is counted: count again. */
  changed(): void;
  /** The count by `load`, read again whenever `deps` change. */
  useCount(load: (signal: AbortSignal) => Promise<LiveCount>, deps: unknown[]): LiveCount | null;
}

export function liveCounter(wanted: (event: LiveEvent) => boolean): LiveCounter {
  const listeners = new Set<() => void>();
  return {
    changed() {
      for (const listener of listeners) listener();
    },
    useCount(load, deps) {
      const count = useResource(load, deps);
      useEventRefresh(count.reload, wanted, 60_000);
      useEffect(() => {
        listeners.add(count.reload);
        return () => {
          listeners.delete(count.reload);
        };
      }, [count.reload]);
      return count.data;
    },
  };
}
