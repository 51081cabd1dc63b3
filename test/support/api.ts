/**
 * One HTTP request to the Watchpost under test, for integration tests: `const call = apiClient(() => wp)`, then
 * `await call('POST', '/api/users', { cookie, json: { … } })`. node:http rather than fetch, so a request can come
 * from another loopback address (`from: '127.0.0.2'`) and an event stream (text/event-stream, which never ends by
 * itself) resolves with its first chunk (what arrived before it was cut).
 */
import { request, type IncomingHttpHeaders } from 'node:http';

export interface CallOptions {
  /** the session cookie (`wp_session=…`) */
  cookie?: string;
  /** sent as JSON (content-type application/json) */
  json?: unknown;
  /** a raw body, when `json` is not given */
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** the local address to send from (127.0.0.2 …) */
  from?: string;
}

export interface ApiResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever the route sends
  body: any;
  /** the body as text (CSV, HTML, an event stream's first chunk) */
  text: string;
  headers: IncomingHttpHeaders;
}

export type Call = (method: string, path: string, o?: CallOptions) => Promise<ApiResponse>;

/**
 * `body` is the parsed JSON, or undefined when the response is empty or not JSON. `timeoutMs`: fail a request that
 * gets no answer in that time (default: none, the test's own timeout applies).
 */
export function apiClient(server: () => { port: number }, { timeoutMs }: { timeoutMs?: number } = {}): Call {
  return (method, path, o = {}) =>
    new Promise((resolve, reject) => {
      const body = o.json !== undefined ? JSON.stringify(o.json) : o.body;
      const headers: Record<string, string> = {
        ...(o.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
        ...(o.cookie ? { cookie: o.cookie } : {}),
        ...o.headers,
      };
      let answered = false;
      const req = request({ host: '127.0.0.1', port: server().port, method, path, localAddress: o.from, headers }, (res) => {
        answered = true;
        // an event stream or the live multiplex (routes/hls-mux.ts) never ends: cut after its first chunk
        const stream = /^(text\/event-stream|application\/vnd\.watchpost\.mux)/.test(String(res.headers['content-type'] ?? ''));
        let text = '';
        let settled = false;
        res.setEncoding('utf8');
        const done = () => {
          if (settled) return;
          settled = true;
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode!, body: parsed, text, headers: res.headers });
        };
        res.on('data', (d: string) => {
          text += d;
          if (stream) res.destroy();
        });
        res.on('end', done);
        res.on('close', done);
        res.on('error', (e) => reject(new Error(`${method} ${path}: ${e.message}`)));
      });
      // once the answer has started, its end (or an event stream cut after its first chunk) resolves
      req.on('error', (e) => answered || reject(new Error(`${method} ${path}: ${e.message}`)));
      if (timeoutMs !== undefined) req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs / 1000} s`)));
      if (body !== undefined) req.write(body);
      req.end();
    });
}
