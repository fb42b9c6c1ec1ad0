// The one WebSocket of the app to GET /api/v1/events (same origin: the session cookie goes
// along), shared by whoever listens: live calls, who is online, the unheard voicemail count.
// Opened by the first listener, closed after the last. When it drops it reconnects with
// back-off (1 s doubling to 30 s, sooner when the tab comes back or the network returns) and
// resumes with ?last_event_id=N, so nothing is missed; when that is too old the server sends a
// `resync` event and listeners fetch their state anew. Listeners fall back to polling while the
// stream is closed.

export interface LiveEvent {
  id: number;
  type: string;
  [member: string]: unknown;
}

export type StreamStatus = 'open' | 'closed';

export interface StreamListener {
  onEvent?(event: LiveEvent): void;
  /** Told at once on subscribing, then on every change. */
  onStatus?(status: StreamStatus): void;
}

const kFirstRetryMs = 1000;
const kMaxRetryMs = 30_000;

const listeners = new Set<StreamListener>();
let socket: WebSocket | null = null;
let status: StreamStatus = 'closed';
let lastEventId: number | null = null;
let retryMs = kFirstRetryMs;
let retryTimer: ReturnType<typeof setTimeout> | undefined;

function setStatus(next: StreamStatus): void {
  if (next === status) return;
  status = next;
  for (const listener of [...listeners]) listener.onStatus?.(next);
}

export function eventStreamUrl(base: Location, resumeAfter: number | null): string {
  const scheme = base.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = resumeAfter === null ? '' : `?last_event_id=${resumeAfter}`;
  return `${scheme}//${base.host}/api/v1/events${query}`;
}

function connect(): void {
  clearTimeout(retryTimer);
  retryTimer = undefined;
  if (socket || listeners.size === 0 || typeof WebSocket === 'undefined') return;
  let ws: WebSocket;
  try {
    ws = new WebSocket(eventStreamUrl(location, lastEventId));
  } catch {
    scheduleReconnect();
    return;
  }
  socket = ws;
  ws.onopen = () => {
    retryMs = kFirstRetryMs;
    setStatus('open');
  };
  ws.onmessage = (message) => {
    let event: LiveEvent;
    try {
      event = JSON.parse(String(message.data)) as LiveEvent;
    } catch {
      return;
    }
    if (typeof event?.id !== 'number' || typeof event.type !== 'string') return;
    lastEventId = event.id;
    for (const listener of [...listeners]) listener.onEvent?.(event);
  };
  ws.onclose = () => {
    if (socket !== ws) return;
    socket = null;
    setStatus('closed');
    scheduleReconnect();
  };
}

function scheduleReconnect(): void {
  if (listeners.size === 0 || retryTimer !== undefined) return;
  // Jitter: many tabs of one office do not all come back in the same second.
  const delay = retryMs * (0.8 + Math.random() * 0.4);
  retryMs = Math.min(retryMs * 2, kMaxRetryMs);
  retryTimer = setTimeout(() => {
    retryTimer = undefined;
    if (document.hidden) return; // onWake reconnects when the tab is back
    connect();
  }, delay);
}

/** The tab is visible again or the network is back: no need to wait out the back-off. */
function onWake(): void {
  if (document.hidden || socket || listeners.size === 0) return;
  retryMs = kFirstRetryMs;
  connect();
}

function stop(): void {
  clearTimeout(retryTimer);
  retryTimer = undefined;
  window.removeEventListener('online', onWake);
  document.removeEventListener('visibilitychange', onWake);
  const ws = socket;
  socket = null;
  ws?.close(1000);
  lastEventId = null;
  retryMs = kFirstRetryMs;
  setStatus('closed');
}

export function subscribeEvents(listener: StreamListener): () => void {
  listeners.add(listener);
  listener.onStatus?.(status);
  if (listeners.size === 1) {
    window.addEventListener('online', onWake);
    document.addEventListener('visibilitychange', onWake);
    connect();
  }
  return () => {
    if (!listeners.delete(listener)) return;
    if (listeners.size === 0) stop();
  };
}

export function streamStatus(): StreamStatus {
  return status;
}
