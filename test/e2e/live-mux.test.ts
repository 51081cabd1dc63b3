/**
 * The live multiplex (issue I, server/http/routes/hls-mux.ts, web/src/controllers/hls-mux.ts) in Debian's
 * Chromium against the real server: 9 cameras on a GStreamer RTSP source, an operator who may see 8 of them.
 *  - the operator's 9-tile wall plays its 8 tiles with every playlist, part and segment request going over the
 *    page's one channel (no plain GET /hls/… on the wire once it is open);
 *  - over that channel the 9th camera is refused exactly like GET /hls/… (404), and another session cannot use
 *    the operator's channel;
 *  - the channel is cut by the server (too many channels for the session) and cannot be reopened: the tiles go on
 *    playing over plain HTTP.
 * Only 127.0.0.1 is contacted.
 */
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { FrameReader } from '../../shared/wire/mux-frame.ts';
import { launchChromium } from '../support/browser.ts';
import { openConsole } from '../support/console.ts';
import { startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

const SEEN = Array.from({ length: 8 }, (_, i) => `cam-${i + 1}`);
const HIDDEN = 'cam-9';

describe('live multiplex: one channel for the whole wall', () => {
  let rtsp: RtspServer;
  let wp: Watchpost;
  let browser: Browser;
  let page: Page;
  let opCookie: string;
  const errors: string[] = [];
  const wire: { at: number; method: string; path: string; body: string }[] = [];

  beforeAll(async () => {
    // primed: 9 ffmpeg clients SETUP at once on the one shared mount; on a media still being prepared that can abort
    // GStreamer's RTSP server (gst_rtsp_media_get_rates assertion) and leave every tile dark — CI saw exactly that
    rtsp = await startRtspServer({ width: 640, height: 360, fps: 25, primed: true });
    const cams = [...SEEN, HIDDEN].map((id) => `  - {id: ${id}, name: "${id}", url: "${rtsp.url()}"}`);
    wp = await startWatchpost({ configYaml: ['server: {host: 127.0.0.1}', 'demo: false', 'analytics: {enabled: false}', 'cameras:', ...cams].join('\n') });
    const admin = await login(wp.url, 'admin', wp.adminPassword);
    const r = await fetch(`${wp.url}/api/users`, { method: 'POST', headers: { cookie: admin, 'content-type': 'application/json' }, body: JSON.stringify({ username: 'wall-op', password: 'night-shift-op-1', role: 'operator', cameras: SEEN }) });
    expect(r.status).toBe(201);
    opCookie = await login(wp.url, 'wall-op', 'night-shift-op-1');
    browser = await launchChromium();
    ({ page } = await openConsole(browser, wp, { cookie: opCookie, errors, viewport: { width: 1600, height: 900 } }));
    page.on('pageerror', (e) => console.warn('pageerror', e.stack?.slice(0, 1500)));
    page.on('request', (q: Request) => {
      const u = new URL(q.url());
      if (u.pathname.startsWith('/hls')) wire.push({ at: Date.now(), method: q.method(), path: u.pathname + u.search, body: q.postData() ?? '' });
    });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await wp?.dispose();
    await rtsp?.stop();
    if (errors.length) console.warn('page errors:', errors);
  });

  /** the wall-clock time each seen tile shows (the PDT of its frame on screen) */
  /** on a failure, what the server said (its pipelines' restarts and stalls) is in the report */
  const serverTail = () => onTestFailed(() => console.warn(`${rtsp.describe()}\nserver output (tail):\n${wp.output().slice(-8000)}`));
  const tileTimes = () => Promise.all(SEEN.map((id) => page.locator(`wp-camera-tile[data-camera-id="${id}"] [data-testid="tile-video-time"]`).textContent({ timeout: 1000 }).catch(() => null)));
  /** every seen tile's picture moves during `ms` */
  async function allAdvance(ms: number): Promise<string[]> {
    const a = await tileTimes();
    await page.waitForTimeout(ms);
    const b = await tileTimes();
    return SEEN.filter((_, i) => !a[i] || !b[i] || a[i] === b[i]);
  }
  const since = (t: number) => wire.filter((w) => w.at >= t);
  /** the paths asked for over the channel (a POST carries what queued up: {requests: [{id, path}, …]}) */
  const muxPaths = (t: number) => since(t).filter((w) => w.method === 'POST' && w.path.startsWith('/hls-mux/')).flatMap((w) => [...w.body.matchAll(/"path":"([^"]+)"/g)].map((m) => m[1]!));
  const muxCameras = (t: number) => new Set(muxPaths(t).map((p) => /^\/hls\/([^/]+)\//.exec(p)?.[1]));

  it("plays 8 tiles with every tile's requests over the one channel", async () => {
    serverTail();
    await page.goto(`${wp.url}/wall?layout=9`);
    await expect.poll(() => page.locator('wp-camera-tile[data-camera-id^="cam-"]').count(), { timeout: 20_000 }).toBe(8);
    for (const id of SEEN) await page.locator(`wp-camera-tile[data-camera-id="${id}"] [data-testid="tile-video-time"]`).waitFor({ timeout: 45_000 });
    await page.waitForTimeout(3000);
    const t0 = Date.now();
    expect(await allAdvance(6000)).toEqual([]);
    const window = since(t0);
    const plain = window.filter((w) => w.method === 'GET' && w.path.startsWith('/hls/'));
    const posts = window.filter((w) => w.method === 'POST' && w.path.startsWith('/hls-mux/'));
    const asked = muxPaths(t0);
    console.log(`6 s of 8 tiles: ${asked.length} requests over the channel in ${posts.length} POSTs, ${plain.length} plain GET /hls/, channels opened ${wire.filter((w) => w.method === 'GET' && w.path === '/hls-mux').length}`);
    expect(plain).toEqual([]);
    expect([...muxCameras(t0)].sort()).toEqual([...SEEN].sort());
    // playlists (blocking reloads) and parts of every tile: ≥ 2 requests per tile per second at 200 ms parts
    expect(asked.length).toBeGreaterThan(8 * 6 * 2);
    expect(asked.filter((p) => p.includes('_HLS_msn=')).length).toBeGreaterThan(8 * 6);
    expect(asked.filter((p) => /\/ll_p\d/.test(p)).length).toBeGreaterThan(8 * 6);
  }, 120_000);

  it('refuses a camera the user may not see over the channel, as GET /hls/ does; another session cannot use it', async () => {
    serverTail();
    const got = await page.evaluate(async (paths) => {
      // a channel of this page's session, read by hand (12-byte header: id u32, status u16, metaLen u16, bodyLen u32)
      const res = await fetch('/hls-mux');
      const reader = res.body!.getReader();
      let buf = new Uint8Array(0);
      const frames: { id: number; status: number; meta: string; len: number }[] = [];
      const next = async () => {
        for (;;) {
          if (buf.byteLength >= 12) {
            const v = new DataView(buf.buffer, buf.byteOffset);
            const total = 12 + v.getUint16(6) + v.getUint32(8);
            if (buf.byteLength >= total) {
              const f = { id: v.getUint32(0), status: v.getUint16(4), meta: new TextDecoder().decode(buf.subarray(12, 12 + v.getUint16(6))), len: v.getUint32(8) };
              buf = buf.slice(total);
              return f;
            }
          }
          const { value, done } = await reader.read();
          if (done) throw new Error('channel ended');
          const j = new Uint8Array(buf.byteLength + value.byteLength);
          j.set(buf);
          j.set(value, buf.byteLength);
          buf = j;
        }
      };
      const hello = await next();
      const channel = (JSON.parse(hello.meta) as { channel: string }).channel;
      const accepted: number[] = [];
      for (const [i, path] of paths.entries()) {
        const r = await fetch(`/hls-mux/${channel}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ id: i + 1, path }) });
        accepted.push(r.status);
      }
      while (frames.length < paths.length) {
        const f = await next();
        if (f.id) frames.push(f);
      }
      const plain = await Promise.all(paths.map(async (p) => (await fetch(p)).status));
      // bad requests are a clear 400 (not /hls/, not a number, a path that climbs out)
      const bad = [];
      for (const body of [{ id: 50, path: '/api/users' }, { id: 'x', path: paths[1] }, { id: 51, path: '/hls/../api/users' }, { nothing: 1 }]) {
        bad.push((await fetch(`/hls-mux/${channel}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).status);
      }
      void reader.cancel();
      return { channel, accepted, frames: frames.sort((a, b) => a.id - b.id), plain, bad };
    }, [`/hls/${HIDDEN}/index.m3u8?ll=1`, `/hls/${SEEN[0]}/index.m3u8?ll=1`, `/hls/${HIDDEN}/ll_p1.m4s`]);
    expect(got.accepted).toEqual([202, 202, 202]);
    expect(got.frames.map((f) => f.status)).toEqual(got.plain);
    expect(got.plain).toEqual([404, 200, 404]);
    expect(got.frames[1]!.len).toBeGreaterThan(100);
    expect(got.bad).toEqual([400, 400, 400, 400]);

    // the admin (another session) can neither ask on the operator's channel nor learn that it exists
    const admin = await login(wp.url, 'admin', wp.adminPassword);
    const foreign = await fetch(`${wp.url}/hls-mux/${got.channel}`, { method: 'POST', headers: { cookie: admin, 'content-type': 'application/json' }, body: JSON.stringify({ id: 9, path: `/hls/${SEEN[0]}/index.m3u8` }) });
    expect(foreign.status).toBe(404);
    const none = await fetch(`${wp.url}/hls-mux`);
    expect(none.status).toBe(401);
  }, 60_000);

  it('a cut channel falls back to plain HTTP: the tiles keep playing', async () => {
    serverTail();
    // the channel can no longer be opened from the page…
    await page.route('**/hls-mux', (route) => route.abort('connectionrefused'));
    // …and the server closes the page's open one: 8 newer channels of the same session push it out
    const others: AbortController[] = [];
    for (let i = 0; i < 8; i++) {
      const ac = new AbortController();
      others.push(ac);
      const r = await fetch(`${wp.url}/hls-mux`, { headers: { cookie: opCookie }, signal: ac.signal });
      const first = await new FrameReader().push((await r.body!.getReader().read()).value!);
      expect(first[0]!.meta.channel).toMatch(/^[0-9a-f]{32}$/);
    }
    for (const ac of others) ac.abort();
    const t0 = Date.now();
    await page.waitForTimeout(2000);
    expect(await allAdvance(8000)).toEqual([]);
    const plain = since(t0).filter((w) => w.method === 'GET' && w.path.startsWith('/hls/'));
    const cams = new Set(plain.map((w) => /^\/hls\/([^/]+)\//.exec(w.path)?.[1]));
    console.log(`after the cut: ${plain.length} plain GET /hls/ in 10 s, ${since(t0).filter((w) => w.method === 'POST').length} POSTs`);
    expect([...cams].sort()).toEqual([...SEEN].sort());
    expect(await page.locator('wp-camera-tile [data-testid="tile-video-time"][data-liveness="lost"]').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);
});
