import { useEffect, useRef, useState } from 'preact/hooks';
import { cardCallOf, endedCallOf, type CardViewer, type IncomingCall } from './incomingCalls';
import { subscribeEvents } from './eventStream';

/** Cards shown at once at most: the newest calls. */
const kMaxCards = 3;

/**
 * The calls from outside that ring the viewer (heads and admins: every one) and have not ended,
 * newest first; `dismiss` hides one for good (a later ringing of the same call does not bring it
 * back). A `resync` forgets them all (their ends may be lost).
 */
export function useIncomingCalls(viewer: CardViewer): { calls: IncomingCall[]; dismiss: (callId: string) => void } {
  const [calls, setCalls] = useState<IncomingCall[]>([]);
  const dismissed = useRef(new Set<string>());
  const { username, seesAllCalls } = viewer;
  useEffect(() => {
    return subscribeEvents({
      onEvent(event) {
        const arrivedAt = performance.now();
        if (event.type === 'resync') return setCalls([]);
        const ended = endedCallOf(event);
        if (ended) {
          dismissed.current.delete(ended);
          return setCalls((list) => list.filter((c) => c.callId !== ended));
        }
        const call = cardCallOf(event, { username, seesAllCalls }, arrivedAt);
        if (!call || dismissed.current.has(call.callId)) return;
        setCalls((list) => (list.some((c) => c.callId === call.callId) ? list : [call, ...list].slice(0, kMaxCards)));
      },
    });
  }, [username, seesAllCalls]);
  const dismiss = (callId: string) => {
    dismissed.current.add(callId);
    setCalls((list) => list.filter((c) => c.callId !== callId));
  };
  return { calls, dismiss };
}
