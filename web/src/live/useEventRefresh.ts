import { useEffect, useRef } from 'preact/hooks';
import { subscribeEvents, type LiveEvent } from './eventStream';

/**
 * Calls `refresh` when an event of the stream matches `wanted` (a little later, once for a
 * burst), when the stream (re)opens, and every `pollMs` while it is closed and the tab visible.
 */
export function useEventRefresh(refresh: () => void, wanted: (event: LiveEvent) => boolean, pollMs: number, settleMs = 300): void {
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;
  const wantedRef = useRef(wanted);
  wantedRef.current = wanted;
  useEffect(() => {
    let soon: ReturnType<typeof setTimeout> | undefined;
    let poll: ReturnType<typeof setInterval> | undefined;
    let open: boolean | null = null;
    const stopPolling = () => {
      clearInterval(poll);
      poll = undefined;
    };
    const unsubscribe = subscribeEvents({
      onStatus(status) {
        const wasOpen = open;
        open = status === 'open';
        if (open) {
          stopPolling();
          if (wasOpen === false) refreshRef.current(); // back after a gap
        } else if (poll === undefined) {
          poll = setInterval(() => {
            if (!document.hidden) refreshRef.current();
          }, pollMs);
        }
      },
      onEvent(event) {
        if (!wantedRef.current(event) && event.type !== 'resync') return;
        clearTimeout(soon);
        soon = setTimeout(() => refreshRef.current(), settleMs);
      },
    });
    return () => {
      unsubscribe();
      clearTimeout(soon);
      stopPolling();
    };
  }, [pollMs, settleMs]);
}
