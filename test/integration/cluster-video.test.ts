/**
 * Video through another node (issue J, server/cluster/proxy.ts): two real servers on a real Mosquitto, a real
 * GStreamer RTSP camera on site-b. Through site-a an admin plays site-b's camera: the LL-HLS playlist, a part, the
 * init segment, a blocking reload that returns when the next part exists. site-b's route answers nothing without a
 * session or a valid node token (forged, expired, another path, another audience: 401). A user of site-a
 * restricted to some cameras: 403. Hostile ids (encoded slashes, odd Unicode) never leave site-a. site-b killed:
 * 503 recorder_down {node} on site-a within the node table's offline time.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type Broker } from '../support/mosquitto.ts';
import { freePort, startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';
import { apiClient } from '../support/api.ts';
import { parseLlPlaylist } from '../support/llhls.ts';
import { killHard } from '../support/kill.ts';
import { TOKEN_HEADER, signToken } from '../../server/cluster/token.ts';

const SECRET = 'test-cluster-secret-0123456789-abcdefghij';
let broker: Broker;
let rtsp: RtspServer;
let a: Watchpost;
let b: Watchpost;
let cookieA = '';
const callA = apiClient(() => a);
const callB = apiClient(() => b);
const LL = '/hls/gate/index.m3u8?ll=1';
const figures: Record<string, number | string> = {};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

const config = (node: string, camera?: string) =>
  [
    'server: {host: 127.0.0.1}', 'demo: false', 'analytics: {enabled: false}',
    'cluster:', `  nodeId: ${node}`, `  mqtt: {url: "${broker.url()}", discovery: false, snapshots: false, heartbeatSeconds: 1}`,
    camera ? `cameras:\n  - {id: gate, name: "大门", url: "${camera}"}` : 'cameras: []',
  ].join('\n');

/** a node token for a request straight to site-b, as site-a would sign it */
const token = (path: string, o: { aud?: string; now?: number; secret?: string } = {}) =>
  signToken(o.secret ?? SECRET, { m: 'GET', p: path, u: 'admin', iss: 'site-a', aud: o.aud ?? 'site-b' }, o.now ?? Date.now());
const viaB = (path: string, t?: string) => callB('GET', path, t ? { headers: { [TOKEN_HEADER]: t } } : {});
const viaA = (path: string, cookie = cookieA) => callA('GET', path, { cookie });

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}\n--- a:\n${a.output().slice(-1500)}\n--- b:\n${b.output().slice(-1500)}`);
    await sleep(200);
  }
}

beforeAll(async () => {
  broker = await startMosquitto();
  rtsp = await startRtspServer({ width: 320, height: 240, fps: 10 });
  const portB = await freePort();
  const env = { WATCHPOST_CLUSTER_SECRET: SECRET };
  [a, b] = await Promise.all([
    startWatchpost({ configYaml: config('site-a'), env }),
    startWatchpost({ configYaml: config('site-b', rtsp.url()), env: { ...env, WATCHPOST_PORT: String(portB), WATCHPOST_NODE_URL: `http://127.0.0.1:${portB}` } }),
  ]);
  // startWatchpost picked its own port for b's url; b listens on portB
  b = { ...b, url: `http://127.0.0.1:${portB}`, port: portB };
  cookieA = await login(a.url, 'admin', a.adminPassword);
  await until('site-b camera live through site-a', async () => {
    const r = await viaA(LL);
    return r.status === 200 && r.text.includes('ll_s');
  }, 60_000);
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.dispose(), b?.dispose()]);
  await rtsp?.stop();
  await broker?.dispose();
  if (Object.keys(figures).length) console.info('video through another node (ms):', JSON.stringify(figures));
});

describe('video through another node', () => {
  it("site-b's camera through site-a: LL-HLS playlist, init segment, a part; the secret never shows in a log", async () => {
    const r = await viaA(LL);
    expect([r.status, r.headers['content-type'], r.headers['cache-control']]).toEqual([200, 'application/vnd.apple.mpegurl', expect.any(String)]);
    const pl = parseLlPlaylist(r.text);
    const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(r.text)![1]!;
    const i = await viaA(`/hls/gate/${init}`);
    expect([i.status, i.headers['content-type']]).toEqual([200, 'video/mp4']);
    const part = await fetch(`${a.url}/hls/gate/${pl.last.uri}`, { headers: { cookie: cookieA } });
    expect([part.status, part.headers.get('content-type')]).toEqual([200, 'video/mp4']);
    expect(Buffer.from(await part.arrayBuffer()).toString('latin1', 4, 8)).toBe('moof');
    expect((await viaA('/hls/nope/index.m3u8')).status).toBe(404); // a camera no node published: as before
    expect(a.output() + b.output()).not.toContain(SECRET);
    // the view is site-a's viewer's: audited on site-a
    const views = await until('live view audited on site-a', async () => {
      const x = await callA('GET', '/api/audit?action=live.view.start', { cookie: cookieA });
      return JSON.stringify(x.body).includes('"gate"') ? x : undefined;
    }, 5000);
    expect(JSON.stringify(views.body)).toContain('admin');
  });

  it('a blocking reload through site-a returns when the next part exists; its added latency against site-b directly', async () => {
    const added: number[] = [];
    const parts: number[] = [];
    for (let k = 0; k < 6; k++) {
      const pl = parseLlPlaylist((await viaA(LL)).text);
      const q = `${LL}&_HLS_msn=${pl.last.msn}&_HLS_part=${pl.last.index + 1}`;
      const t0 = performance.now();
      const time = (p: Promise<{ status: number; text: string }>) => p.then((x) => ({ ...x, ms: performance.now() - t0 }));
      const [proxied, direct] = await Promise.all([time(viaA(q)), time(viaB(q, token(q)))]);
      expect([proxied.status, direct.status]).toEqual([200, 200]);
      const after = parseLlPlaylist(proxied.text);
      expect(after.last.msn * 1000 + after.last.index).toBeGreaterThan(pl.last.msn * 1000 + pl.last.index);
      expect(proxied.ms).toBeLessThan(after.partTarget * 1000 + 1500);
      added.push(proxied.ms - direct.ms);
      const p0 = performance.now();
      expect((await viaA(`/hls/gate/${after.last.uri}`)).status).toBe(200);
      parts.push(performance.now() - p0);
    }
    figures.blockingReloadAddedMedian = Math.round(median(added) * 10) / 10;
    figures.blockingReloadAddedMax = Math.round(Math.max(...added) * 10) / 10;
    figures.partThroughA = Math.round(median(parts) * 10) / 10;
    expect(median(added)).toBeLessThan(100);
  }, 60_000);

  it('a viewer that goes away mid blocking reload: site-a drops its request to site-b', async () => {
    const conns = () => execFileSync('ss', ['-Htn', 'state', 'established', `( dport = :${b.port} )`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).length;
    const pl = parseLlPlaylist((await viaA(LL)).text);
    // two segments ahead: site-b holds it for seconds
    const ac = new AbortController();
    const held = fetch(`${a.url}${LL}&_HLS_msn=${pl.last.msn + 2}`, { headers: { cookie: cookieA }, signal: ac.signal }).catch((e: Error) => e.name);
    await sleep(300);
    const during = conns();
    expect(during).toBeGreaterThan(0);
    ac.abort();
    expect(await held).toBe('AbortError');
    await sleep(300);
    figures.upstreamConnsDuringAfterAbort = `${during}->${conns()}`;
    expect(conns()).toBe(during - 1);
  });

  it("site-b's route: 401 without a session or a valid token (forged, expired, other path, other audience, back at its issuer)", async () => {
    const pl = parseLlPlaylist((await viaA(LL)).text);
    const part = `/hls/gate/${pl.last.uri}`;
    expect((await viaB(LL, token(LL))).status).toBe(200); // the real thing works
    const bad = {
      none: undefined,
      forged: token(LL, { secret: 'not-the-cluster-secret-but-long-enough!!' }),
      expired: token(LL, { now: Date.now() - 40_000 }),
      otherPath: token(part),
      otherQuery: token(`${LL}&_HLS_msn=1`),
      otherAudience: token(LL, { aud: 'site-c' }),
      junk: 'v1.abc.def',
    };
    for (const [what, t] of Object.entries(bad)) {
      const r = await viaB(LL, t);
      expect([what, r.status, r.body?.error?.code]).toEqual([what, 401, 'unauthenticated']);
    }
    expect((await viaB(part, token(LL))).status).toBe(401);
    // a token cannot reach anything but the HLS routes: the API still wants a session
    expect((await viaB('/api/nodes', token('/api/nodes'))).status).toBe(401);
  });

  it('a user of site-a restricted to some cameras: 403 remote_cameras (audited); not logged in 401', async () => {
    const u = await callA('POST', '/api/users', { cookie: cookieA, json: { username: 'op-r', password: 'op-r-password-2026', role: 'operator', cameras: [] } });
    expect(u.status, JSON.stringify(u.body)).toBe(201);
    const restricted = await login(a.url, 'op-r', 'op-r-password-2026');
    const r = await viaA(LL, restricted);
    expect([r.status, r.body.error?.code, r.body.error?.params?.what]).toEqual([403, 'forbidden', 'remote_cameras']);
    const audit = await callA('GET', '/api/audit?action=remote_video.denied', { cookie: cookieA });
    expect(JSON.stringify(audit.body)).toContain('op-r');
    expect((await viaA(LL, '')).status).toBe(401);
  });

  it('site-b hanging (SIGSTOP: its link stays up, no heartbeats): 503 recorder_down once it misses 3 heartbeats, not a hung request', async () => {
    const pids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(b.process().pid)], { encoding: 'utf8' }).split('\n').map(Number).filter((n) => n > 0);
    const t0 = Date.now();
    for (const p of pids) process.kill(p, 'SIGSTOP');
    try {
      await until('site-b offline on site-a', async () => (await callA('GET', '/api/nodes', { cookie: cookieA })).body.find((n: { id: string }) => n.id === 'site-b')?.status === 'offline', 10_000);
      figures.hangToOffline = Date.now() - t0;
      const t1 = performance.now();
      const r = await viaA(LL);
      figures.hangAnswer = Math.round(performance.now() - t1);
      expect([r.status, r.body.error?.code, r.body.error?.params]).toEqual([503, 'recorder_down', { node: 'site-b' }]);
      expect(figures.hangAnswer).toBeLessThan(500);
    } finally {
      for (const p of pids) process.kill(p, 'SIGCONT');
    }
    await until('site-b back through site-a', async () => (await viaA(LL)).status === 200, 15_000);
  }, 40_000);

  it('site-b killed: 503 recorder_down {node: site-b} within the offline time; hostile paths never leave site-a', async () => {
    const t0 = Date.now();
    killHard(b);
    const r = await until('503 recorder_down', async () => {
      const x = await viaA(LL);
      return x.status === 503 ? x : undefined;
    }, 5000);
    figures.killTo503 = Date.now() - t0;
    expect([r.body.error.code, r.body.error.params]).toEqual(['recorder_down', { node: 'site-b' }]);
    await sleep(3500); // past 3 missed heartbeats (1 s): the node table says offline too
    const again = await viaA(LL);
    expect([again.status, again.body.error.code]).toEqual([503, 'recorder_down']);
    // hostile paths while site-b is down: one that were sent to site-b would be 503 too; they are site-a's own 404
    for (const p of ['/hls/gate%2F..%2F..%2Fapi%2Fnodes/index.m3u8', '/hls/gate/..%2F..%2Fapi%2Fnodes', '/hls/gate/main/..%2F..%2F..%2Fapi%2Fnodes', '/hls/%E9%97%A8/index.m3u8',
      '/hls/gate%E2%80%8B/index.m3u8', '/hls/%EF%BD%87ate/index.m3u8', '/hls/gate/%2e%2e/index.m3u8', '/hls/gate/index.m3u8%3Fll=1', '/hls/gate/x/y/index.m3u8']) {
      const res = await viaA(p);
      expect([p, res.status, res.body?.error?.code]).toEqual([p, 404, 'not_found']);
    }
  }, 30_000);
});
