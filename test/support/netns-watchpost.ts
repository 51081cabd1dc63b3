/**
 * A real Watchpost server inside a test network namespace (Netns), logged in as admin through a Unix-socket
 * forwarder: the cluster tests (nodes-link-cut, mqtt-outbox-link-cut) put a node behind a veth cable with it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nsRequest, type Netns, type NsProcess, type NsResponse } from './netns.ts';
import { REPO_ROOT, TSX } from './server.ts';

export interface NsWatchpost {
  proc: NsProcess;
  dataDir: string;
  /** the forwarder's socket (outside any network) */
  sock: string;
  cookie: string;
  /** a logged-in admin request */
  request(method: string, path: string, json?: unknown): Promise<NsResponse>;
}

export interface NsWatchpostOptions {
  node: string;
  mqttUrl: string;
  /** inside the namespace; every namespace has its own loopback, so the same port serves each */
  port?: number;
  adminPassword?: string;
}

/** Start a server with no cameras, no demo and no analytics, publishing to `mqttUrl`; resolves once logged in. */
export async function startWatchpostIn(ns: Netns, o: NsWatchpostOptions): Promise<NsWatchpost> {
  const port = o.port ?? 18080;
  const password = o.adminPassword ?? 'ns-admin-pw-2026';
  const dataDir = join(ns.tmp, o.node);
  mkdirSync(dataDir, { recursive: true });
  const cfg = join(dataDir, 'watchpost.yml');
  writeFileSync(
    cfg,
    ['server: {host: 127.0.0.1}', 'demo: false', 'analytics: {enabled: false}', 'cameras: []', 'cluster:', `  nodeId: ${o.node}`, `  mqtt: {url: "${o.mqttUrl}", discovery: false, snapshots: false}`].join('\n'),
  );
  const proc = ns.spawn(TSX, [join(REPO_ROOT, 'server/main.ts'), '--config', cfg], {
    cwd: REPO_ROOT,
    env: { ...process.env, WATCHPOST_PORT: String(port), WATCHPOST_DATA_DIR: dataDir, WATCHPOST_ADMIN_PASSWORD: password, WATCHPOST_LOG_LEVEL: 'info' },
  });
  await proc.waitFor(/is up:/, 60_000);
  const sock = await ns.forward(port);
  const r = await nsRequest(sock, 'POST', '/api/session', { json: { username: 'admin', password } });
  if (r.status !== 200) throw new Error(`login on ${o.node} failed: ${r.status} ${r.text()}`);
  const cookie = String(r.headers['set-cookie'] ?? '').split(';')[0]!;
  return { proc, dataDir, sock, cookie, request: (method, path, json) => nsRequest(sock, method, path, { headers: { cookie }, json, timeoutMs: 10_000 }) };
}
