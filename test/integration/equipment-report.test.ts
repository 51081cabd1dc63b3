/**
 * The daily equipment check (issue L point 3) against the real server recording the GStreamer RTSP camera:
 * the camera source is cut for a known interval; the report shows exactly one gap there (camera offline, with
 * the reason), the completeness that follows from it, one offline episode and the restarts; a healthy second
 * camera is complete; CSV and the printable sheet; the duty operator signs it off into the duty log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

let cut: RtspServer;
let steady: RtspServer;
let wp: Watchpost;
let cookie = '';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const get = async (p: string) => (await fetch(`${wp.url}${p}`, { headers: { cookie } })).json() as Promise<Json>;
let cutFrom = 0;
let cutTo = 0;

beforeAll(async () => {
  [cut, steady] = await Promise.all([startRtspServer({ width: 320, height: 240, fps: 10 }), startRtspServer({ width: 320, height: 240, fps: 10 })]);
  wp = await startWatchpost({
    // a site east of the machine (CI runs in UTC): days and CSV times must follow the site, not the machine
    configYaml: ['site: {timeZone: Asia/Shanghai}', 'storage: {segmentSeconds: 2}', 'media: {rtspTimeoutSeconds: 2}', 'patrol: {cameraDebounceSeconds: 1}', 'cameras:', `  - {id: door, name: "后门 Back door", url: "${cut.url()}"}`, `  - {id: lobby, name: "大堂 Lobby", url: "${steady.url()}"}`].join('\n'),
  });
  cookie = await login(wp.url, 'admin', wp.adminPassword);
  await sleep(12_000); // recording for a while
  cutFrom = Date.now();
  await cut.stop();
  await sleep(12_000);
  await cut.restart();
  cutTo = Date.now();
  await sleep(12_000); // recording again
}, 90_000);
afterAll(async () => {
  await wp?.dispose();
  await cut?.stop();
  await steady?.stop();
});

describe('GET /api/reports/equipment', () => {
  it('shows the cut as exactly one gap with its reason, and the completeness that follows', async () => {
    const rep = await get('/api/reports/equipment');
    expect(rep.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const door = rep.cameras.find((c: Json) => c.id === 'door');
    const lobby = rep.cameras.find((c: Json) => c.id === 'lobby');
    expect(door.gaps).toHaveLength(1);
    const g = door.gaps[0];
    expect(Math.abs(g.start - cutFrom)).toBeLessThan(3000);
    expect(g.end - cutTo).toBeGreaterThan(-1000);
    expect(g.end - cutTo).toBeLessThan(8000); // the reconnect back-off
    expect(g.reason).toMatch(/camera offline/);
    expect(door.completeness).toBeLessThan(0.85);
    expect(door.completeness).toBeGreaterThan(0.3);
    expect(door.offlineEpisodes).toBe(1);
    expect(door.restarts).toBeGreaterThanOrEqual(1);
    expect(door.flagged).toBe(true);
    expect(lobby.gaps).toEqual([]);
    expect(lobby.completeness).toBeGreaterThan(0.99);
    expect(lobby.flagged).toBe(false);
    expect(lobby).toMatchObject({ offlineEpisodes: 0, tamperAlarms: 0, clockOffsetMs: null });
  });

  it('as CSV and as a printable sheet; signed off into the duty log', async () => {
    const raw = Buffer.from(await (await fetch(`${wp.url}/api/reports/equipment?format=csv`, { headers: { cookie } })).arrayBuffer());
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM: Excel opens the Chinese names right
    const csv = raw.toString('utf8');
    expect(csv).toMatch(/^\ufeffequipment report,/);
    expect(csv).toMatch(/\r\ngap,door,/);
    // the site's day and clock (Asia/Shanghai), with the offset: the day starts at the post's midnight
    expect(csv).toMatch(/\r\nfrom,\d{4}-\d\d-\d\dT00:00:00\.000\+08:00\r\n/);
    expect(csv).toMatch(/\r\ngap,door,[^,]+,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00,/);
    expect(csv).not.toMatch(/\d\dZ[,\r]/);
    const html = await (await fetch(`${wp.url}/api/reports/equipment?format=html`, { headers: { cookie } })).text();
    expect(html).toContain('监控设备巡检');
    expect(html).toContain('后门 Back door');
    const bad = await fetch(`${wp.url}/api/reports/equipment?date=2026-13-45`, { headers: { cookie } });
    expect(bad.status).toBe(400);
    const rep = await get('/api/reports/equipment');
    const signed = await fetch(`${wp.url}/api/reports/equipment/sign`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ date: rep.date, note: '后门摄像机已报修' }) });
    expect(signed.status).toBe(201);
    const body: Json = await signed.json();
    expect(body.entry).toMatchObject({ kind: 'equipment_check', data: { date: rep.date, flagged: [expect.objectContaining({ id: 'door' })] } });
    expect(await get('/api/dutylog/verify')).toMatchObject({ ok: true });
    // the cameras with problems are handed over at the shift change
    const draft = await get('/api/handovers/draft');
    expect(draft.openItems.equipmentProblems).toEqual([expect.objectContaining({ cameraId: 'door', gaps: 1 })]);
  });
});
