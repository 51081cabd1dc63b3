/**
 * Server-Sent Events over fetch(), with our own reconnect policy. Unlike EventSource this sees the
 * HTTP status (a 401 means the session is gone, not "retry forever"), sees keep-alive comments (so a
 * silently dead connection is detected by a watchdog) and backs off exponentially while the server is
 * restarting.
 */
import { signalUnauthorized } from './api';

export interface SseHandlers {
  /** A named event with its JSON-decoded data. */
  onEvent(name: string, data: unknown): void;
  /** The stream is open (HTTP 200 received). */
  onOpen?(): void;
  /** The stream dropped; a reconnect is scheduled in `delayMs`. */
  onDisconnect?(delayMs: number): void;
}

export interface SseConnection {
  close(): void;
  /** Forget the backoff and reconnect now (e.g. the browser came back online). */
  reconnectNow(): void;
}

type SseTap = (name: string, data: unknown) => void;
const taps = new Set<SseTap>();

/** See every event of every stream (data modules other than the camera list, e.g. alarms). */
export function onSseEvent(fn: SseTap): () => void {
  taps.add(fn);
  return () => taps.delete(fn);
}

const BACKOFF_MS = [500, 1000, 2000, 4000];
const MAX_BACKOFF_MS = 5000;
/** The server sends a comment every 15 s; silence for longer than this means the link is dead. */
const WATCHDOG_MS = 40_000;

export function connectSse(url: string, handlers: SseHandlers): SseConnection {
  let closed = false;
  let attempt = 0;
  let abort: AbortController | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let watchdog: ReturnType<typeof setTimeout> | undefined;

  const kickWatchdog = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => abort?.abort(), WATCHDOG_MS);
  };

  const scheduleReconnect = () => {
    if (closed) return;
    clearTimeout(watchdog);
    const base = BACKOFF_MS[attempt] ?? MAX_BACKOFF_MS;
    const delay = Math.round(base * (1 + Math.random() * 0.3));
    attempt++;
    handlers.onDisconnect?.(delay);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void run(), delay);
  };

  const run = async () => {
    if (closed) return;
    abort = new AbortController();
    const ctl = abort;
    try {
      const res = await fetch(url, {
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { accept: 'text/event-stream' },
        signal: ctl.signal,
      });
      if (res.status === 401) {
        conn.close();
        signalUnauthorized();
        return;
      }
      if (!res.ok || !res.body) throw new Error(`SSE HTTP ${res.status}`);
      handlers.onOpen?.();
      kickWatchdog();
      await readStream(res.body, ctl.signal, (name, data) => {
        attempt = 0; // a working stream resets the backoff
        handlers.onEvent(name, data);
        for (const fn of [...taps]) fn(name, data);
      }, kickWatchdog);
    } catch {
      // network error, abort by watchdog or close(): handled below
    }
    if (ctl === abort) abort = null;
    scheduleReconnect();
  };

  const onOnline = () => conn.reconnectNow();
  window.addEventListener('online', onOnline);

  const conn: SseConnection = {
    close() {
      closed = true;
      clearTimeout(retryTimer);
      clearTimeout(watchdog);
      window.removeEventListener('online', onOnline);
      abort?.abort();
    },
    reconnectNow() {
      if (closed) return;
      attempt = 0;
      clearTimeout(retryTimer);
      if (abort) abort.abort(); // run() schedules the next try after a short delay
      else void run();
    },
  };
  void run();
  return conn;
}

async function readStream(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  dispatch: (name: string, data: unknown) => void,
  onActivity: () => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let eventName = '';
  let dataLines: string[] = [];
  const onAbort = () => void reader.cancel().catch(() => {});
  signal.addEventListener('abort', onAbort);
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return;
      onActivity();
      buffer += decoder.decode(value, { stream: true });
      let idx: number;
      while ((idx = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, idx);
        buffer = buffer.slice(idx + (buffer.startsWith('\r\n', idx) ? 2 : 1));
        if (line === '') {
          if (dataLines.length) {
            const raw = dataLines.join('\n');
            let data: unknown = raw;
            try {
              data = JSON.parse(raw);
            } catch {
              // keep the raw string
            }
            dispatch(eventName || 'message', data);
          }
          eventName = '';
          dataLines = [];
        } else if (line.startsWith(':')) {
          // keep-alive comment
        } else {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          let val = colon < 0 ? '' : line.slice(colon + 1);
          if (val.startsWith(' ')) val = val.slice(1);
          if (field === 'event') eventName = val;
          else if (field === 'data') dataLines.push(val);
        }
      }
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
